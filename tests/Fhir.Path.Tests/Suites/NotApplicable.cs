namespace Fhir.Path.Tests.Suites;

/// <summary>
/// Official tests judged not applicable to this engine, each with its reason. Every other test must pass.
/// </summary>
internal static class NotApplicable
{
    public static readonly IReadOnlyDictionary<string, string> Official = new Dictionary<string, string>(StringComparer.Ordinal)
    {
    };
}
