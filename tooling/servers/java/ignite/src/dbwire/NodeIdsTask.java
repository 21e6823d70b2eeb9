package dbwire;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteException;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.compute.ComputeJob;
import org.apache.ignite.compute.ComputeJobAdapter;
import org.apache.ignite.compute.ComputeJobResult;
import org.apache.ignite.compute.ComputeTaskAdapter;
import org.apache.ignite.resources.IgniteInstanceResource;

/**
 * Thin-client compute test task "dbwire.NodeIdsTask": one job per node of the cluster group; returns
 * the sorted node ids joined with ','. Lets tests check which nodes a cluster-group projection hit.
 */
public class NodeIdsTask extends ComputeTaskAdapter<Object, String> {
  @Override
  public Map<? extends ComputeJob, ClusterNode> map(List<ClusterNode> subgrid, Object arg) throws IgniteException {
    Map<ComputeJob, ClusterNode> jobs = new HashMap<>();
    for (ClusterNode node : subgrid) jobs.put(new NodeIdJob(), node);
    return jobs;
  }

  @Override
  public String reduce(List<ComputeJobResult> results) throws IgniteException {
    TreeSet<String> ids = new TreeSet<>();
    for (ComputeJobResult r : results) ids.add(String.valueOf(r.<Object>getData()));
    return String.join(",", ids);
  }

  private static final class NodeIdJob extends ComputeJobAdapter {
    @IgniteInstanceResource
    private transient Ignite ignite;

    @Override
    public Object execute() {
      return ignite.cluster().localNode().id().toString();
    }
  }
}
