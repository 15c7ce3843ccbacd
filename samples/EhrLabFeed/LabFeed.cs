using System.Net;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;

namespace EhrLabFeed;

/// <summary>Sends one lab result: gets a token, posts the conditional transaction, and says what the server made of each entry.</summary>
internal sealed class LabFeed(FeedOptions options, HttpMessageHandler? handler = null)
{
    /// <summary>What the server did with each entry: created (201) or found already there (200).</summary>
    public sealed record Report(IReadOnlyList<(string Resource, string Status, string Location)> Entries)
    {
        public int Created => Entries.Count(e => e.Status.StartsWith("201", StringComparison.Ordinal));

        public int Existing => Entries.Count(e => e.Status.StartsWith("200", StringComparison.Ordinal));
    }

    public async Task<Report> SendAsync(LabResult result, CancellationToken ct = default)
    {
        using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        var token = await new TokenClient(http).GetTokenAsync(options, ct);
        var settings = new FhirClientSettings { PreferredFormat = options.Format, VerifyFhirVersion = true, ReturnPreference = ReturnPreference.Minimal };
        using var client = handler is null ? new FhirClient(options.FhirBase, settings) : new FhirClient(options.FhirBase, settings, handler);
        client.RequestHeaders!.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);

        var bundle = LabResultMapper.ToTransaction(result);
        var response = await client.TransactionAsync(bundle, ct) ?? throw new InvalidOperationException("The server sent no transaction-response.");
        var entries = new List<(string, string, string)>();
        for (var i = 0; i < response.Entry.Count; i++)
        {
            var answer = response.Entry[i].Response!;
            entries.Add((bundle.Entry[i].Resource!.TypeName, answer.Status ?? "", answer.Location ?? ""));
        }
        return new Report(entries);
    }
}
