import type { ApiDefinition } from './registry'
import produce from './produce'
import fetch from './fetch'
import listOffsets from './list-offsets'
import metadata from './metadata'
import apiVersions from './api-versions'
import initProducerId from './init-producer-id'

/** Every API this broker serves; ApiVersions answers from this list. */
export const apiDefinitions: ApiDefinition[] = [produce, fetch, listOffsets, metadata, apiVersions, initProducerId]
