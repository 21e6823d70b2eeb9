package dbwire;

import java.util.List;
import java.util.Map;
import org.apache.ignite.IgniteException;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.compute.ComputeJob;
import org.apache.ignite.compute.ComputeJobAdapter;
import org.apache.ignite.compute.ComputeJobResult;
import org.apache.ignite.compute.ComputeTaskAdapter;

/**
 * Thin-client compute test task (EXECUTE_TASK_BY_NAME "dbwire.EchoTask"): runs one job on the first
 * node of the task's cluster group and returns the argument unchanged.
 */
public class EchoTask extends ComputeTaskAdapter<Object, Object> {
  @Override
  public Map<? extends ComputeJob, ClusterNode> map(List<ClusterNode> subgrid, Object arg) throws IgniteException {
    return Map.of(new ComputeJobAdapter() {
      @Override
      public Object execute() {
        return arg;
      }
    }, subgrid.get(0));
  }

  @Override
  public Object reduce(List<ComputeJobResult> results) throws IgniteException {
    return results.get(0).getData();
  }
}
