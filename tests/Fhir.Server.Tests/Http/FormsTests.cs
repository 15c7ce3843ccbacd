using System.Net;
using System.Text;
using System.Text.Json;
using Fhir.Server.Http;
using Fhir.Server.Tests.Support;

namespace Fhir.Server.Tests.Http;

/// <summary>Issue 12 item 18: forms beyond their limits get 413/400 with an OAuth error or an OperationOutcome, never a 500.</summary>
public sealed class FormsTests(SecureSqliteServer server) : IClassFixture<SecureSqliteServer>
{
    private static StringContent Form(string body) => new(body, Encoding.UTF8, "application/x-www-form-urlencoded");

    private static string Fields(int count, int valueLength = 1) =>
        "grant_type=client_credentials&" + string.Join("&", Enumerable.Range(0, count - 1).Select(i => $"f{i}={new string('v', valueLength)}"));

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostTokenAsync(string body)
    {
        using var root = server.CreateRootClient();
        using var response = await root.PostAsync("auth/token", Form(body));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task Issue_12_item_18_a_token_request_with_2000_fields_or_a_5_MB_value_is_refused_with_an_OAuth_error()
    {
        foreach (var body in new[] { Fields(2_000), "grant_type=client_credentials&client_secret=" + new string('x', 5 * 1024 * 1024) })
        {
            var (status, json) = await PostTokenAsync(body);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
            Assert.Equal("invalid_request", json.GetProperty("error").GetString());
        }
    }

    [Fact]
    public async Task Token_request_forms_up_to_each_limit_are_read_and_one_past_it_are_refused()
    {
        var limits = Forms.TokenRequest;
        // Read: then refused for what they are (no client), 401.
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostTokenAsync(Fields(limits.ValueCountLimit))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostTokenAsync("grant_type=client_credentials&client_id=" + new string('c', limits.ValueLengthLimit))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostTokenAsync($"grant_type=client_credentials&{new string('k', limits.KeyLengthLimit)}=1")).Status);
        foreach (var body in new[]
        {
            Fields(limits.ValueCountLimit + 1),
            "grant_type=client_credentials&client_id=" + new string('c', limits.ValueLengthLimit + 1),
            $"grant_type=client_credentials&{new string('k', limits.KeyLengthLimit + 1)}=1",
            "grant_type=client_credentials&" + string.Concat(Enumerable.Repeat("&", (int)Forms.MaxTokenRequestBytes)),
        })
        {
            var (status, json) = await PostTokenAsync(body);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
            Assert.Equal("invalid_request", json.GetProperty("error").GetString());
        }
    }

    [Fact]
    public async Task Issue_12_item_18_search_forms_with_2000_fields_or_a_5_MB_value_get_an_OperationOutcome()
    {
        var client = new Security.SecureClient(server);
        using var many = await client.SendAsAsync(TestClients.Researcher, HttpMethod.Post, "Patient/_search",
            string.Join("&", Enumerable.Range(0, 2_000).Select(i => $"name=n{i}")), "application/x-www-form-urlencoded");
        var outcome = await many.ExpectAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("too-costly", outcome.IssueCodes());

        using var large = await client.SendAsAsync(TestClients.Researcher, HttpMethod.Post, "Patient/_search",
            "name=" + new string('x', 5 * 1024 * 1024), "application/x-www-form-urlencoded");
        var tooLong = await large.ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Contains("name", tooLong.IssueExpressions());
    }
}
