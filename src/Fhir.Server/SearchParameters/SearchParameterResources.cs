using System.Text.Json;
using Fhir.Core.Definitions;
using Fhir.Core.Outcomes;
using Fhir.Search.Parameters;

namespace Fhir.Server.SearchParameters;

/// <summary>How a SearchParameter resource becomes catalog entries, wherever it comes from (a file, a write, the store).</summary>
internal static class SearchParameterResources
{
    /// <summary>
    /// The parameters <paramref name="sp"/> defines, or none when it is retired (a retired
    /// parameter is withdrawn); the issues that make it unusable otherwise.
    /// </summary>
    public static IReadOnlyList<SearchParameterInfo> Read(JsonElement sp, FhirDefinitions definitions, out IReadOnlyList<Issue> issues)
    {
        issues = SearchParameterCheck.Check(sp, definitions);
        if (issues.Count > 0 || (sp.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String && status.GetString() == "retired"))
        {
            return [];
        }
        return [.. SearchParameterRegistry.FromResource(sp)];
    }

    /// <summary>The catalog source of a stored SearchParameter resource.</summary>
    public static string Source(string id) => "SearchParameter/" + id;

    /// <summary>
    /// Loads every SearchParameter found under <paramref name="folder"/> into <paramref name="catalog"/>;
    /// unusable ones are skipped and reported through <paramref name="skipped"/>.
    /// </summary>
    public static int LoadFolder(SearchParameterCatalog catalog, string folder, FhirDefinitions definitions, Action<string, string> skipped)
    {
        var loaded = 0;
        var all = SearchParameterFiles.Read(folder, out var unreadable);
        foreach (var found in all)
        {
            var parameters = Read(found.Resource, definitions, out var issues);
            if (issues.Count > 0)
            {
                skipped(found.Source, string.Join("; ", issues.Select(i => $"{i.Expression}: {i.Message}")));
                continue;
            }
            catalog.Set(found.Source, parameters);
            loaded++;
        }
        foreach (var file in unreadable)
        {
            skipped(file, "not JSON");
        }
        return loaded;
    }
}
