using Xunit.Abstractions;

namespace Fhir.Path.Tests.Suites;

/// <summary>
/// The fhirpath.js YAML cases: informative (they test fhirpath.js's own choices and extensions too), so the test
/// asserts a minimum pass rate that this engine reaches, to catch regressions.
/// </summary>
public sealed class FhirpathJsCaseTests(ITestOutputHelper output)
{
    /// <summary>The pass rate reached (passed / runnable cases), rounded down; raise it when the engine improves.</summary>
    private const double MinimumPassRate = 0.945;

    [SkippableFact]
    public void The_fhirpath_js_cases_pass_at_least_at_the_recorded_rate()
    {
        if (JsCases.Cases.Count == 0)
        {
            SuiteFiles.SkipMissing(JsCases.RelativePath);
        }
        var outcomes = JsCases.Cases.Select(c => (Case: c, Result: JsCaseRunner.Run(c))).ToList();
        var passed = outcomes.Count(o => o.Result.Outcome == JsOutcome.Passed);
        var failed = outcomes.Where(o => o.Result.Outcome == JsOutcome.Failed).ToList();
        var disabled = outcomes.Count(o => o.Result.Outcome == JsOutcome.Disabled);
        var noInput = outcomes.Count(o => o.Result.Outcome == JsOutcome.NoInput);
        var runnable = passed + failed.Count;
        var rate = runnable == 0 ? 0 : (double)passed / runnable;
        output.WriteLine($"fhirpath.js cases: {outcomes.Count} total, {disabled} disabled by the suite, {noInput} without an available input file.");
        output.WriteLine($"Runnable: {runnable}; passed {passed} ({rate:P1}), failed {failed.Count}.");
        foreach (var group in failed.GroupBy(f => f.Case.File))
        {
            output.WriteLine($"-- {group.Key}: {group.Count()} failed");
            foreach (var (c, r) in group)
            {
                output.WriteLine($"   {c.Group} / {c.Description} [{c.Expression.Replace("\n", " ")}]: {r.Detail}");
            }
        }
        Assert.True(rate >= MinimumPassRate, $"pass rate {rate:P1} is below the recorded minimum {MinimumPassRate:P1}");
    }
}
