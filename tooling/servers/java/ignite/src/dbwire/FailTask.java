package dbwire;

import java.util.List;
import java.util.Map;
import org.apache.ignite.IgniteException;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.compute.ComputeJob;
import org.apache.ignite.compute.ComputeJobAdapter;
import org.apache.ignite.compute.ComputeJobResult;
import org.apache.ignite.compute.ComputeTaskAdapter;

/** Thin-client compute test task "dbwire.FailTask": its job always throws, to test error mapping. */
public class FailTask extends ComputeTaskAdapter<Object, Object> {
  @Override
  public Map<? extends ComputeJob, ClusterNode> map(List<ClusterNode> subgrid, Object arg) throws IgniteException {
    return Map.of(new ComputeJobAdapter() {
      @Override
      public Object execute() {
        throw new IgniteException("dbwire.FailTask failed on purpose: " + arg);
      }
    }, subgrid.get(0));
  }

  @Override
  public Object reduce(List<ComputeJobResult> results) throws IgniteException {
    return results.get(0).getData();
  }
}
