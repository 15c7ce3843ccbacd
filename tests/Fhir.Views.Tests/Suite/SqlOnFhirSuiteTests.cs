using Fhir.Testing;
using Xunit.Abstractions;

namespace Fhir.Views.Tests.Suite;

/// <summary>The official SQL on FHIR v2 test suite: one test per suite test, named "file: title", plus the pass rate.</summary>
public sealed class SqlOnFhirSuiteTests(ITestOutputHelper output)
{
    public static TheoryData<string> TestNames()
    {
        var data = new TheoryData<string>();
        if (SqlOnFhirSuite.Tests.Count == 0)
        {
            data.Add("(suite missing)");
        }
        foreach (var test in SqlOnFhirSuite.Tests)
        {
            data.Add(test.Name);
        }
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(TestNames))]
    public void Suite_test_passes(string name)
    {
        Suites.Require(SqlOnFhirSuite.Folder);
        var test = SqlOnFhirSuite.Tests.Single(t => t.Name == name);
        output.WriteLine(test.View);
        var (passed, detail) = SuiteRunner.Run(test);
        output.WriteLine(detail);
        Assert.True(passed, detail);
    }

    [SkippableFact]
    public void The_whole_suite_passes()
    {
        Suites.Require(SqlOnFhirSuite.Folder);
        var failures = SqlOnFhirSuite.Tests.Select(t => (t.Name, Result: SuiteRunner.Run(t))).Where(r => !r.Result.Passed).ToList();
        output.WriteLine($"SQL on FHIR v2 suite: {SqlOnFhirSuite.Tests.Count - failures.Count} of {SqlOnFhirSuite.Tests.Count} passed");
        foreach (var (name, (_, detail)) in failures)
        {
            output.WriteLine($"FAILED {name}: {detail}");
        }
        Assert.Equal(134, SqlOnFhirSuite.Tests.Count);
        Assert.Empty(failures);
    }
}
