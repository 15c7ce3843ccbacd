using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Fhir.Server.Security;
using Fhir.Server.Tests.Support;
using Microsoft.IdentityModel.Tokens;

namespace Fhir.Server.Tests.Security;

/// <summary>
/// Issue 17, access: SMART App Launch's authorization code flow with PKCE against the built-in authorisation endpoint,
/// end to end (sign-in form, password, code, token, FHIR requests with the token).
/// </summary>
public sealed class SignInTests(SignInServer server) : IClassFixture<SignInServer>
{
    private const string Redirect = "http://localhost/app/";
    private readonly SecureClient _client = new(server);

    private HttpClient NoRedirects() => server.CreateNoRedirectClient();

    private static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    private static Dictionary<string, string> Authorize(string challenge, string scope = "user/*.cruds patient/*.cruds", string redirect = Redirect) => new()
    {
        ["response_type"] = "code",
        ["client_id"] = AuthorizeEndpoint.DashboardClientId,
        ["redirect_uri"] = redirect,
        ["scope"] = scope,
        ["state"] = "s-123",
        ["aud"] = "http://localhost/fhir",
        ["code_challenge"] = challenge,
        ["code_challenge_method"] = "S256",
    };

    /// <summary>Signs in through the form; returns the redirect's status and Location.</summary>
    private async Task<HttpResponseMessage> SignInAsync(HttpClient browser, Dictionary<string, string> authorize, string user, string password)
    {
        var form = new Dictionary<string, string>(authorize) { ["username"] = user, ["password"] = password };
        return await browser.PostAsync(AuthorizeEndpoint.Path.TrimStart('/'), new FormUrlEncodedContent(form));
    }

    private static string CodeOf(HttpResponseMessage redirect)
    {
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        var location = redirect.Headers.Location!.ToString();
        Assert.StartsWith(Redirect + "?code=", location, StringComparison.Ordinal);
        Assert.EndsWith("&state=s-123", location, StringComparison.Ordinal);
        return Uri.UnescapeDataString(location[(Redirect.Length + 6)..location.IndexOf('&', StringComparison.Ordinal)]);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Json)> RedeemAsync(HttpClient browser, string code, string verifier, string redirect = Redirect)
    {
        using var response = await browser.PostAsync("auth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirect,
            ["client_id"] = AuthorizeEndpoint.DashboardClientId,
            ["code_verifier"] = verifier,
        }));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task A_read_only_user_signs_in_with_pkce_reads_but_cannot_write_and_the_code_works_once()
    {
        using var browser = NoRedirects();
        var (verifier, challenge) = Pkce();
        var q = string.Join('&', Authorize(challenge).Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value)));
        using var page = await browser.GetAsync("auth/authorize?" + q);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("name=\"password\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);

        var code = CodeOf(await SignInAsync(browser, Authorize(challenge), TestUsers.Reader, TestUsers.Password(TestUsers.Reader)));
        var (status, token) = await RedeemAsync(browser, code, verifier);
        Assert.Equal(HttpStatusCode.OK, status);
        // Asked for user/*.cruds: the user holds user/*.rs, so that is what the token carries.
        Assert.Equal("user/*.rs", token.GetProperty("scope").GetString());
        Assert.Equal(server.Services.GetService(typeof(AuthOptions)) is AuthOptions o ? o.UserSessionSeconds : 0, token.GetProperty("expires_in").GetInt32());
        var access = token.GetProperty("access_token").GetString();

        using (var read = await _client.SendAsync(access, HttpMethod.Get, "Patient"))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }
        using (var write = await _client.SendAsync(access, HttpMethod.Post, "Patient", """{"resourceType":"Patient","active":true}"""))
        {
            Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        }
        // The audit trail names the app and the person.
        using (var audit = await _client.SendAsync(await _client.TokenAsync(TestClients.Auditor), HttpMethod.Get, $"AuditEvent?altid={AuthorizeEndpoint.DashboardClientId}/{TestUsers.Reader}"))
        {
            Assert.Equal(HttpStatusCode.OK, audit.StatusCode);
            Assert.True(JsonDocument.Parse(await audit.Content.ReadAsStringAsync()).RootElement.GetProperty("entry").GetArrayLength() >= 2);
        }
        // The code was spent.
        var (again, error) = await RedeemAsync(browser, code, verifier);
        Assert.Equal(HttpStatusCode.BadRequest, again);
        Assert.Equal("invalid_grant", error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_wrong_pkce_verifier_is_refused_and_spends_the_code()
    {
        using var browser = NoRedirects();
        var (verifier, challenge) = Pkce();
        var code = CodeOf(await SignInAsync(browser, Authorize(challenge), TestUsers.Reader, TestUsers.Password(TestUsers.Reader)));
        var (status, error) = await RedeemAsync(browser, code, Pkce().Verifier);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", error.GetProperty("error").GetString());
        Assert.Contains("code_verifier", error.GetProperty("error_description").GetString(), StringComparison.Ordinal);
        var (retry, _) = await RedeemAsync(browser, code, verifier);
        Assert.Equal(HttpStatusCode.BadRequest, retry);
    }

    [Fact]
    public async Task A_code_is_bound_to_its_redirect_uri()
    {
        using var browser = NoRedirects();
        var (verifier, challenge) = Pkce();
        var code = CodeOf(await SignInAsync(browser, Authorize(challenge), TestUsers.Reader, TestUsers.Password(TestUsers.Reader)));
        var (status, _) = await RedeemAsync(browser, code, verifier, "http://localhost/app/other");
        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Theory]
    [InlineData(TestUsers.Reader, "not-the-password")]
    [InlineData("nobody", "whatever")]
    [InlineData(TestUsers.Writer, "")]
    public async Task A_wrong_password_or_unknown_user_gets_no_code(string user, string password)
    {
        using var browser = NoRedirects();
        var (_, challenge) = Pkce();
        using var response = await SignInAsync(browser, Authorize(challenge), user, password);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("Unknown user name or wrong password", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("code_challenge", "")]
    [InlineData("code_challenge_method", "plain")]
    [InlineData("redirect_uri", "https://evil.example/app/")]
    [InlineData("client_id", "someone-else")]
    [InlineData("response_type", "token")]
    [InlineData("aud", "https://other.example/fhir")]
    public async Task Sign_in_without_pkce_or_with_an_unregistered_client_or_redirect_is_refused_without_redirecting(string field, string value)
    {
        using var browser = NoRedirects();
        var (_, challenge) = Pkce();
        var authorize = Authorize(challenge);
        authorize[field] = value;
        using var response = await SignInAsync(browser, authorize, TestUsers.Reader, TestUsers.Password(TestUsers.Reader));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task A_writer_can_write_and_a_patient_user_is_confined_to_its_patient()
    {
        using var browser = NoRedirects();
        var (verifier, challenge) = Pkce();
        var (_, writer) = await RedeemAsync(browser, CodeOf(await SignInAsync(browser, Authorize(challenge), TestUsers.Writer, TestUsers.Password(TestUsers.Writer))), verifier);
        Assert.Equal("user/*.cruds", writer.GetProperty("scope").GetString());
        using (var created = await _client.SendAsync(writer.GetProperty("access_token").GetString(), HttpMethod.Put, "Patient/" + TestClients.LaunchPatient,
            $$"""{"resourceType":"Patient","id":"{{TestClients.LaunchPatient}}","active":true}"""))
        {
            Assert.True(created.IsSuccessStatusCode, created.StatusCode.ToString());
        }

        (verifier, challenge) = Pkce();
        var (_, patient) = await RedeemAsync(browser, CodeOf(await SignInAsync(browser, Authorize(challenge), TestUsers.PatientUser, TestUsers.Password(TestUsers.PatientUser))), verifier);
        Assert.Equal("patient/*.rs", patient.GetProperty("scope").GetString());
        Assert.Equal(TestClients.LaunchPatient, patient.GetProperty("patient").GetString());
        var token = patient.GetProperty("access_token").GetString();
        using (var own = await _client.SendAsync(token, HttpMethod.Get, "Patient/" + TestClients.LaunchPatient))
        {
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        }
        using (var studies = await _client.SendAsync(token, HttpMethod.Get, "ResearchStudy"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, studies.StatusCode);
        }
        // The study is out of the patient's reach: $dashboard answers as $endpoints does (not found, for this token).
        using (var dashboard = await _client.SendAsync(token, HttpMethod.Get, "ResearchStudy/any/$dashboard"))
        using (var endpoints = await _client.SendAsync(token, HttpMethod.Get, "ResearchStudy/any/$endpoints"))
        {
            Assert.False(dashboard.IsSuccessStatusCode);
            Assert.Equal(endpoints.StatusCode, dashboard.StatusCode);
        }
    }

    [Fact]
    public async Task Discovery_names_the_authorize_endpoint_and_S256()
    {
        using var root = server.CreateRootClient();
        var json = JsonDocument.Parse(await root.GetStringAsync(".well-known/smart-configuration")).RootElement;
        Assert.Equal("http://localhost/auth/authorize", json.GetProperty("authorization_endpoint").GetString());
        Assert.Equal(["S256"], json.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("authorization_code", json.GetProperty("grant_types_supported").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void Granted_scopes_are_the_narrower_of_asked_and_held()
    {
        Assert.Equal("user/*.rs", AuthorizeEndpoint.Grant("openid user/*.cruds patient/*.cruds", "user/*.rs"));
        Assert.Equal("user/Observation.rs", AuthorizeEndpoint.Grant("user/Observation.rs", "user/*.cruds"));
        Assert.Equal("", AuthorizeEndpoint.Grant("user/*.rs", "patient/*.rs"));
        Assert.Equal("patient/*.rs", AuthorizeEndpoint.Grant("user/*.rs patient/*.rs", "patient/*.rs"));
    }
}
