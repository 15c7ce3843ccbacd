using Fhir.Core.Definitions;
using Fhir.Core.Json;
using Fhir.Core.Model;
using Fhir.Search.Parameters;

namespace Fhir.Search.Tests;

/// <summary>The R4 registry (built once: it reads every SearchParameter of the specification) and resource parsing.</summary>
internal static class R4
{
    private static readonly Lazy<SearchParameterRegistry> LazyRegistry = new(() => SearchParameterRegistry.CreateR4(FhirDefinitions.R4));

    public static SearchParameterRegistry Registry => LazyRegistry.Value;

    /// <summary>Parses a resource, failing the test when the JSON is not a valid R4 resource.</summary>
    public static ElementNode Parse(string json)
    {
        var result = FhirJsonReader.Parse(json);
        Assert.True(result.IsSuccess, string.Join("; ", result.Issues.Select(i => i.Message + " @ " + i.Expression)));
        return result.Resource!;
    }

    public static DateTime Utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, DateTimeKind.Utc);

    /// <summary>The last tick of the second given: the inclusive upper end of a range.</summary>
    public static DateTime UtcEndOfSecond(int year, int month, int day, int hour, int minute, int second) =>
        Utc(year, month, day, hour, minute, second).AddTicks(TimeSpan.TicksPerSecond - 1);
}
