export { Analyzer, type Detector, type Detection, type ExchangeContext, type AnalyzerOptions } from './analyzer.js';
export { ingestPath, openCatalog, type IngestSummary, type IngestOptions } from './ingest.js';
export { openInput, hashFile, type Input } from './input.js';
export { sniffFormat, type InputFormat } from './sniff.js';
export { createDetector, userAgentFamily, type DetectorOptions } from './detector.js';
export { loadConfig, ruleContext, type OverhearConfig } from './config.js';
export { reevaluate, loadDeclared, DERIVED_RULES } from './reevaluate.js';
export { endpointFindings } from './endpoint-rules.js';
export { importDeclaredSpec, type ImportedSpec } from './spec-import.js';
