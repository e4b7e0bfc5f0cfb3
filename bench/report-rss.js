// Preloaded with `node --require` by the benchmarks: reports the process's peak resident
// memory on exit, and whether tfjs was ever loaded, so a whole CLI run can be measured
// without changing the CLI.
process.on('exit', () => {
  const tfjs = Object.keys(require.cache).some((k) => k.includes(`${require('path').sep}@tensorflow${require('path').sep}`));
  require('fs').writeSync(2, `\nBENCH_MAX_RSS_KB ${process.resourceUsage().maxRSS}\nBENCH_LOADED_TFJS ${tfjs}\n`);
});
