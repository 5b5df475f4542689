// The benchmark harness is not written yet; the benchmark issue delivers its scenarios
// (docs/architecture.md). It says so rather than print numbers it did not measure.
await Console.Error.WriteLineAsync("fnsharp-bench: no benchmark is implemented yet; see the benchmark issue.");
return 2;
