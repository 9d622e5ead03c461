import type { ApiDefinition } from './registry'
import apiVersions from './api-versions'
import metadata from './metadata'

/** Every API this broker serves; ApiVersions answers from this list. */
export const apiDefinitions: ApiDefinition[] = [apiVersions, metadata]
