// A metadata view on a controller in the same process: commands run directly and the
// controller's records reach the view synchronously, before execute() returns.
import type { AlterPartitionRequest, AlterPartitionResult } from './alter-partition'
import { MetadataStore, type ControllerChannel } from './metadata'
import type { MetadataCommand, QuorumController } from './quorum-controller'

export class LocalChannel implements ControllerChannel {
  constructor(private readonly controller: QuorumController) {}

  execute(cmd: MetadataCommand): unknown {
    return this.controller.execute(cmd)
  }

  async alterPartition(req: AlterPartitionRequest): Promise<AlterPartitionResult> {
    return this.controller.alterPartition(req)
  }
}

/** A metadata view subscribed to an in-process controller. */
export function localMetadataView(controller: QuorumController): MetadataStore {
  const view = new MetadataStore()
  const { snapshot } = controller.subscribe((entries) => view.replay(entries))
  view.connect(new LocalChannel(controller), snapshot)
  return view
}
