using Xunit.Abstractions;

namespace Fhir.Path.Tests.Suites;

/// <summary>The official FHIRPath R4 test suite, one test case per suite test, plus a summary.</summary>
public sealed class OfficialSuiteTests(ITestOutputHelper output)
{
    public static TheoryData<string> TestIds()
    {
        var data = new TheoryData<string>();
        var tests = OfficialSuite.Tests;
        if (tests.Count == 0)
        {
            data.Add("(suite missing)");
        }
        foreach (var test in tests)
        {
            data.Add(test.Id);
        }
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(TestIds))]
    public void Official_test_passes(string id)
    {
        if (OfficialSuite.Tests.Count == 0)
        {
            SuiteFiles.SkipMissing(OfficialSuite.RelativePath);
        }
        var test = OfficialSuite.Tests.Single(t => t.Id == id);
        output.WriteLine($"{test.Group} / {test.Id}: {test.Expression}");
        var (passed, detail) = OfficialRunner.Run(test);
        output.WriteLine(detail);
        if (NotApplicable.Official.TryGetValue(id, out var reason))
        {
            output.WriteLine($"Not applicable: {reason}");
            return;
        }
        Assert.True(passed, detail);
    }

    [SkippableFact]
    public void Every_official_test_passes_except_the_listed_not_applicable_ones()
    {
        if (OfficialSuite.Tests.Count == 0)
        {
            SuiteFiles.SkipMissing(OfficialSuite.RelativePath);
        }
        var failures = new List<string>();
        var passed = 0;
        foreach (var test in OfficialSuite.Tests)
        {
            var (ok, detail) = OfficialRunner.Run(test);
            if (ok)
            {
                passed++;
            }
            else if (!NotApplicable.Official.ContainsKey(test.Id))
            {
                failures.Add($"{test.Id} [{test.Expression.Trim()}]: {detail}");
            }
        }
        output.WriteLine($"Official suite: {passed}/{OfficialSuite.Tests.Count} passed, {NotApplicable.Official.Count} listed as not applicable.");
        foreach (var failure in failures)
        {
            output.WriteLine("FAIL " + failure);
        }
        Assert.True(failures.Count == 0, $"{failures.Count} official test(s) failed:\n" + string.Join("\n", failures));
    }
}
