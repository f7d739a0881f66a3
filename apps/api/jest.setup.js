// The api writes its metrics as EMF lines to stdout. Tests that read them turn them back on
// (POWERTOOLS_METRICS_DISABLED=false); the others run quiet (the middleware still runs; Powertools skips the write).
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
