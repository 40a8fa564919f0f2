import type { Catalog } from '@overhear/catalog';
import { Analyzer, type Detector } from './analyzer.js';
import { ruleContext, type OverhearConfig } from './config.js';
import { createDetector } from './detector.js';
import { loadDeclared } from './reevaluate.js';
import type { AnalysisSampler } from './sampler.js';

/**
 * The Analyzer that ingest and the live loop analyse with: the settings'
 * caps and rules, keyed with the catalog's secret (unless a detector is
 * given), and knowing what the catalog already holds (templates, declared
 * specs).
 */
export function catalogAnalyzer(catalog: Catalog, cfg: OverhearConfig, opts: { sampling?: AnalysisSampler; detector?: Detector } = {}): Analyzer {
  const analyzer = new Analyzer({
    detector: opts.detector ?? createDetector({ key: catalog.secretKey(), rules: ruleContext(cfg), ...(cfg.customTypes ? { scan: { customTypes: cfg.customTypes } } : {}) }),
    ...(opts.sampling ? { sampling: opts.sampling } : {}),
    ...(cfg.maxEndpointsPerHost !== undefined ? { maxEndpointsPerHost: cfg.maxEndpointsPerHost } : {}),
    ...(cfg.maxHostsPerServer !== undefined ? { maxHostsPerServer: cfg.maxHostsPerServer } : {}),
  });
  analyzer.knowTemplates(catalog.knownTemplates());
  analyzer.knowDeclared(loadDeclared(catalog));
  return analyzer;
}
