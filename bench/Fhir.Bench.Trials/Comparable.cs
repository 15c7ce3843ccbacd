using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Fhir.Bench.Trials;

/// <summary>
/// An operation's Parameters with the server-assigned ids masked and the id-ordered lists (participants, issues) sorted,
/// so that two stores loaded through POST (different ids) can be compared.
/// </summary>
internal static partial class Comparable
{
    public static string Of(byte[] json)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        var parameters = root["parameter"]!.AsArray().Select(p => p!).ToList();
        var arms = parameters.Where(p => (string?)p["name"] == "arm").Select(p => Mask(p.ToJsonString()));
        // Participants and findings are ordered by the ids, which differ: order them by content instead.
        var subjects = parameters.Where(p => (string?)p["name"] == "subject").Select(p => Mask(p.ToJsonString())).Order(StringComparer.Ordinal);
        var issues = parameters.Where(p => (string?)p["name"] == "issues")
            .SelectMany(p => p["resource"]!["issue"]!.AsArray().Select(i => Mask(i!.ToJsonString()))).Order(StringComparer.Ordinal);
        return string.Join("\n", arms.Concat(subjects).Concat(issues));
    }

    private static string Mask(string json) => Id().Replace(json, "<id>");

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Id();
}
