using Fhir.Search.Queries;

namespace Fhir.Server.Bulk;

/// <summary>
/// The searches whose matches are one type's part of an export: one per <c>_typeFilter</c> query of the type (or one
/// with no criteria), each with <c>_since</c> as <c>_lastUpdated=gt</c> and held to the export's patients.
/// </summary>
internal static class ExportQueries
{
    /// <summary>The searches of <paramref name="type"/> (merged by <see cref="ResourceStream"/>); none when the export's patients cannot have any.</summary>
    public static IReadOnlyList<SearchQuery> For(string type, ExportRequest request, ServerContext context)
    {
        var patients = request.Level switch
        {
            ExportLevel.System => null,
            ExportLevel.Patient => request.Patients is { } listed ? PatientFilter.Of(listed) : PatientFilter.Any,
            _ => PatientFilter.Of(request.Patients ?? []),
        };
        // A study's own resources of types outside the patient compartment are added by id; searching those types for the
        // patients' compartments would find nothing.
        if (patients is not null && context.Compartments.Parameters("Patient", type) is null && type != "Patient")
        {
            return [];
        }
        var queries = new List<SearchQuery>();
        foreach (var filter in request.TypeFilters?.GetValueOrDefault(type) ?? [""])
        {
            var parameters = Split(filter);
            if (request.Since is { } since)
            {
                parameters.Add(new("_lastUpdated", "gt" + Pipeline.ResourceWriter.FormatInstant(since)));
            }
            var parsed = SearchQueryParser.Parse(type, parameters, context.SearchParameters, new SearchParseOptions { Handling = HandlingMode.Strict, CodeSets = context.CodeSets });
            if (parsed.Issues.FirstOrDefault(i => i.IsError) is { } error)
            {
                // The kick-off parsed the same text; only a search parameter removed since can make it fail now.
                throw new InvalidOperationException($"The _typeFilter '{type}?{filter}' no longer parses: {error.Message}");
            }
            queries.Add(parsed.Query with { Patients = patients });
        }
        return queries;
    }

    /// <summary>A stored query (<c>a=1&amp;b=2</c>, keys and values escaped) as parameters.</summary>
    public static List<KeyValuePair<string, string>> Split(string query)
    {
        var parameters = new List<KeyValuePair<string, string>>();
        foreach (var part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=');
            parameters.Add(equals < 0
                ? new(Uri.UnescapeDataString(part), "")
                : new(Uri.UnescapeDataString(part[..equals]), Uri.UnescapeDataString(part[(equals + 1)..])));
        }
        return parameters;
    }

    /// <summary>Parameters as a stored query (<see cref="Split"/> reads it back).</summary>
    public static string Join(IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join("&", parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
}
