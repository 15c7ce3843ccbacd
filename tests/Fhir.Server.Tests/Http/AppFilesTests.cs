using System.Net;
using System.Net.Http.Headers;
using Fhir.Server.Tests.Security;
using Fhir.Server.Tests.Support;

namespace Fhir.Server.Tests.Http;

/// <summary>Issue 17: the landing page and the dashboard's files, served by the server itself, public, cached by ETag, under a strict CSP.</summary>
public sealed class AppFilesTests(SignInServer server) : IClassFixture<SignInServer>
{
    [Theory]
    [InlineData("/", "text/html")]
    [InlineData("/app/", "text/html")]
    [InlineData("/app/app.js", "text/javascript")]
    [InlineData("/app/app.css", "text/css")]
    public async Task App_files_need_no_token_and_revalidate_by_etag(string path, string mediaType)
    {
        using var root = server.CreateRootClient();
        using var response = await root.GetAsync(path.TrimStart('/'));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl!.ToString());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        var etag = response.Headers.ETag!;

        using var again = new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/'));
        again.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(etag.Tag));
        using var cached = await root.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, cached.StatusCode);
    }

    [Fact]
    public async Task Html_pages_allow_only_the_apps_own_scripts_and_styles_and_contain_no_inline_script()
    {
        using var root = server.CreateRootClient();
        foreach (var path in new[] { "", "app/" })
        {
            using var response = await root.GetAsync(path);
            var csp = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
            Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
            Assert.Contains("style-src 'self';", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe", csp, StringComparison.Ordinal);
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            var html = await response.Content.ReadAsStringAsync();
            // Every script is a file of the app's; no inline script, handler or style attribute.
            Assert.DoesNotMatch(@"<script(?![^>]*\ssrc=""/app/)", html);
            Assert.DoesNotMatch(@"\son[a-z]+=|\sstyle=|<style", html);
        }
    }

    [Fact]
    public async Task The_landing_page_links_the_app_the_capability_statement_and_smart_discovery()
    {
        using var root = server.CreateRootClient();
        var html = await root.GetStringAsync("");
        Assert.Contains("href=\"/app/\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/fhir/metadata\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/.well-known/smart-configuration\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_app_files_are_404_and_app_redirects_to_app_slash_while_the_api_still_needs_a_token()
    {
        using var root = server.CreateRootClient();
        using (var missing = await root.GetAsync("app/nothing.js"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }
        using (var api = await root.GetAsync("fhir/Patient"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        }
        using (var dashboard = await root.GetAsync("fhir/ResearchStudy/x/$dashboard"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, dashboard.StatusCode);
        }
    }
}
