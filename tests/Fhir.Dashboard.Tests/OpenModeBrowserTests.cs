using Microsoft.Playwright;

namespace Fhir.Dashboard.Tests;

/// <summary>Issue 17: with <c>Auth:Mode=None</c> on loopback the dashboard works without sign-in.</summary>
public sealed class OpenModeBrowserTests(OpenDashboardServer server) : IClassFixture<OpenDashboardServer>
{
    [BrowserFact]
    public async Task The_app_needs_no_sign_in_when_the_api_is_open()
    {
        var context = await server.Browser!.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        await page.GotoAsync(server.Origin + "/app/");
        await page.WaitForSelectorAsync("table.studies");
        Assert.Contains("No sign-in needed", await page.Locator("#who").TextContentAsync(), StringComparison.Ordinal);
        Assert.True(await page.Locator("#signin").IsHiddenAsync());
        // The generated trial has two studies (the basket study and a registry-based one): open the basket study by its id.
        await page.Locator($"table.studies a[href$='id={server.StudyId}']").ClickAsync();
        await page.WaitForSelectorAsync("[data-plot=swimmer] svg");
        Assert.Contains($"id={server.StudyId}", page.Url, StringComparison.Ordinal);

        // The landing page links to the app.
        await page.GotoAsync(server.Origin + "/");
        await page.ClickAsync("a[href='/app/']");
        await page.WaitForSelectorAsync("table.studies");
    }
}
