using System.Net;
using System.Text.Json;

namespace Fhir.Server.Tests.Support;

/// <summary>Small helpers for reading FHIR responses in tests.</summary>
public static class Responses
{
    /// <summary>The response body as JSON.</summary>
    public static async Task<JsonElement> BodyAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.False(string.IsNullOrEmpty(text), $"Expected a body with status {(int)response.StatusCode}.");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts the status and, for errors, that the body is an OperationOutcome; returns the body (default when empty).</summary>
    public static async Task<JsonElement> ExpectAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        if (text.Length == 0)
        {
            return default;
        }
        var body = JsonDocument.Parse(text).RootElement.Clone();
        if ((int)status >= 400)
        {
            Assert.Equal("OperationOutcome", body.GetProperty("resourceType").GetString());
            Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        }
        return body;
    }

    /// <summary>The expressions of the issues of an OperationOutcome.</summary>
    public static IReadOnlyList<string> IssueExpressions(this JsonElement outcome) =>
        [.. outcome.GetProperty("issue").EnumerateArray()
            .Where(i => i.TryGetProperty("expression", out _))
            .SelectMany(i => i.GetProperty("expression").EnumerateArray().Select(e => e.GetString()!))];

    /// <summary>The issue codes of an OperationOutcome.</summary>
    public static IReadOnlyList<string> IssueCodes(this JsonElement outcome) =>
        [.. outcome.GetProperty("issue").EnumerateArray().Select(i => i.GetProperty("code").GetString()!)];

    public static string Id(this JsonElement resource) => resource.GetProperty("id").GetString()!;

    public static string VersionId(this JsonElement resource) => resource.GetProperty("meta").GetProperty("versionId").GetString()!;

    /// <summary>The entries' resources of a Bundle.</summary>
    public static IReadOnlyList<JsonElement> EntryResources(this JsonElement bundle) =>
        bundle.TryGetProperty("entry", out var entries)
            ? [.. entries.EnumerateArray().Where(e => e.TryGetProperty("resource", out _)).Select(e => e.GetProperty("resource"))]
            : [];

    /// <summary>The ids of a search's matches (a page of up to 500 unless the query sets <c>_count</c>), in code-point order.</summary>
    public static async Task<List<string>> SortedIdsAsync(this HttpClient client, string query)
    {
        var bundle = await (await client.GetAsync(query + (query.Contains("_count", StringComparison.Ordinal) ? "" : "&_count=500"))).ExpectAsync(HttpStatusCode.OK);
        return [.. bundle.EntryResources().Select(r => r.Id()).Order(StringComparer.Ordinal)];
    }

    /// <summary>The ids of every page of a search from <paramref name="url"/> on, following the next links, in page order.</summary>
    public static async Task<List<string>> AllPageIdsAsync(this HttpClient client, string url)
    {
        var ids = new List<string>();
        for (string? next = url; next is not null;)
        {
            var page = await (await client.GetAsync(next)).ExpectAsync(HttpStatusCode.OK);
            ids.AddRange(page.EntryResources().Select(r => r.Id()));
            next = page.Link("next");
        }
        return ids;
    }

    /// <summary>The URL of a Bundle link, or null.</summary>
    public static string? Link(this JsonElement bundle, string relation) =>
        bundle.TryGetProperty("link", out var links)
            ? links.EnumerateArray().Where(l => l.GetProperty("relation").GetString() == relation).Select(l => l.GetProperty("url").GetString()).FirstOrDefault()
            : null;
}

/// <summary>Sample resources.</summary>
public static class Samples
{
    public const string PatientJson = """{"resourceType":"Patient","identifier":[{"system":"urn:trial:mrn","value":"P-1"}],"name":[{"family":"Doe","given":["Jane"]}],"gender":"female","birthDate":"1970-05-01"}""";

    /// <summary>A Patient with the given identifier value.</summary>
    public static string Patient(string mrn, string family = "Doe") =>
        $$"""{"resourceType":"Patient","identifier":[{"system":"urn:trial:mrn","value":"{{mrn}}"}],"name":[{"family":"{{family}}","given":["Jane"]}],"gender":"female","birthDate":"1970-05-01"}""";
}
