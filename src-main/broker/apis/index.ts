import type { ApiDefinition } from './registry'
import produce from './produce'
import fetch from './fetch'
import listOffsets from './list-offsets'
import metadata from './metadata'
import apiVersions from './api-versions'
import initProducerId from './init-producer-id'
import createTopics from './create-topics'
import deleteTopics from './delete-topics'
import deleteRecords from './delete-records'
import describeConfigs from './describe-configs'
import alterConfigs from './alter-configs'
import describeLogDirs from './describe-log-dirs'
import createPartitions from './create-partitions'
import incrementalAlterConfigs from './incremental-alter-configs'
import describeCluster from './describe-cluster'

/** Every API this broker serves; ApiVersions answers from this list. */
export const apiDefinitions: ApiDefinition[] = [produce, fetch, listOffsets, metadata, apiVersions, initProducerId, createTopics, deleteTopics, deleteRecords, describeConfigs, alterConfigs, describeLogDirs, createPartitions, incrementalAlterConfigs, describeCluster]
