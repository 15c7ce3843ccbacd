using Fhir.Core.Json;
using Fhir.Core.Model;
using Fhir.Core.Outcomes;
using Fhir.Validation.Conformance;

namespace Fhir.Validation.Tests.Support;

/// <summary>Shared helpers: parse JSON, validate with a validator over the R4 core, describe issues in assertions.</summary>
internal static class V
{
    public static ResourceValidator Core { get; } = new(CoreConformanceSource.R4);

    public static ElementNode Parse(string json)
    {
        var result = FhirJsonReader.Parse(json);
        Assert.True(result.Resource is not null && !result.Issues.Any(i => i.IsError),
            string.Join("\n", result.Issues.Select(i => $"{i.Expression}: {i.Message}")));
        return result.Resource!;
    }

    public static ValidationResult Validate(string json, IReadOnlyList<string>? profiles = null, ResourceValidator? validator = null) =>
        (validator ?? Core).Validate(Parse(json), profiles);

    public static string Show(IEnumerable<Issue> issues) =>
        string.Join("\n", issues.Select(i => $"{i.Severity} {i.Code.ToCode()} @ {i.Expression}: {i.Message}"));

    /// <summary>
    /// The errors and warnings, without informational issues and without the dom-6 warning (no narrative) that
    /// every test resource without text gets.
    /// </summary>
    public static List<Issue> Problems(this ValidationResult result) =>
        result.Issues.Where(i => i.Severity != IssueSeverity.Information && !i.Message.Contains("dom-6", StringComparison.Ordinal)).ToList();

    /// <summary>Asserts exactly one problem (error or warning) and returns it.</summary>
    public static Issue Single(this ValidationResult result)
    {
        var problems = result.Problems();
        Assert.True(problems.Count == 1, "Expected one problem, found:\n" + Show(result.Issues));
        return problems[0];
    }

    public static void AssertIssue(this ValidationResult result, IssueSeverity severity, IssueType code, string expression, string? messagePart = null)
    {
        Assert.True(result.Issues.Any(i => i.Severity == severity && i.Code == code && i.Expression == expression
                && (messagePart is null || i.Message.Contains(messagePart, StringComparison.Ordinal))),
            $"Expected {severity} {code.ToCode()} @ {expression} ({messagePart}), found:\n" + Show(result.Issues));
    }

    public static void AssertNoErrors(this ValidationResult result) =>
        Assert.False(result.HasErrors, Show(result.Issues));

    public static void AssertClean(this ValidationResult result) =>
        Assert.True(result.Problems().Count == 0, Show(result.Issues));
}
