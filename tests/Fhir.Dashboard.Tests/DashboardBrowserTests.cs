using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Fhir.Dashboard.Tests;

/// <summary>
/// Issue 17, end to end in Chromium: sign in (authorization code + PKCE through the built-in form), open each page of
/// the generated trial, check that what is shown equals the operations' output, that filters change the plots and the
/// URL, that a patient-confined user sees nothing beyond its patient, and save screenshots as test artifacts.
/// </summary>
public sealed class DashboardBrowserTests(DashboardServer server, ITestOutputHelper output) : IClassFixture<DashboardServer>
{
    private async Task<IPage> SignInAsync(string user, string url, List<(string Url, long Bytes, float Ms)>? responses = null)
    {
        var context = await server.Browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        var page = await context.NewPageAsync();
        // The machine is shared: give slow moments room, while a real hang still fails.
        page.SetDefaultTimeout(60_000);
        var errors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") { errors.Add(m.Text); } };
        await page.GotoAsync(server.Origin + url);
        // Clicks that navigate are sent from the page, and the tests wait for URLs and elements: the app changes its URL
        // itself after sign-in, which can leave a click's own wait for the load event hanging.
        // The sign-in button is drawn by the app's script, which may run after the load event on a busy machine.
        await page.WaitForSelectorAsync("#main button");
        // What the page asked for and answered, for the message should the sign-in not start (it timed out once in CI).
        var traffic = new List<string>();
        page.Request += (_, r) => traffic.Add("> " + r.Method + " " + r.Url);
        page.Response += (_, r) => traffic.Add("< " + r.Status + " " + r.Url);
        page.RequestFailed += (_, r) => traffic.Add("! " + r.Failure + " " + r.Url);
        await page.EvalOnSelectorAsync("#main button", "b => b.click()");
        try
        {
            await page.WaitForURLAsync("**/auth/authorize?**", new() { WaitUntil = WaitUntilState.Commit });
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"The sign-in did not reach /auth/authorize; the page is at {page.Url}. Requests: {string.Join(" | ", traffic)}."
                + $" Console errors: {string.Join(" | ", errors)}. #main: {await page.Locator("#main").InnerTextAsync(new() { Timeout = 5_000 })}", e);
        }
        await page.WaitForSelectorAsync("input[name=username]");
        await page.FillAsync("input[name=username]", user);
        await page.FillAsync("input[name=password]", server.Password(user));
        if (responses is not null)
        {
            page.Response += async (_, r) =>
            {
                try
                {
                    var body = r.Status is >= 300 and < 400 ? 0 : (await r.BodyAsync()).Length;
                    responses.Add((r.Url, body, r.Request.Timing.ResponseEnd));
                }
                catch (PlaywrightException)
                {
                }
            };
        }
        await page.EvalOnSelectorAsync("button[type=submit]", "b => b.click()");
        // The app swaps the code out of the URL itself (history.replaceState), possibly before the document's load event:
        // wait for the URL only; the tests then wait for what they look at.
        await page.WaitForURLAsync(u => u.StartsWith(server.Origin + "/app/", StringComparison.Ordinal) && !u.Contains("code=", StringComparison.Ordinal),
            new() { WaitUntil = WaitUntilState.Commit });
        // A strict CSP blocks inline code: any violation would show as a console error.
        Assert.DoesNotContain(errors, e => e.Contains("Content Security Policy", StringComparison.Ordinal));
        return page;
    }

    private string StudyUrl(string filters = "") => $"/app/?view=study&id={server.StudyId}{filters}";

    private static async Task WaitForFiguresAsync(IPage page) => await page.WaitForSelectorAsync("[data-plot=swimmer] svg", new() { Timeout = 60_000 });

    private static JsonElement Arm(JsonElement parameters, string name) =>
        parameters.GetProperty("parameter").EnumerateArray().First(p => p.GetProperty("name").GetString() == "arm" && Part(p, "name").GetProperty("valueString").GetString() == name);

    private static JsonElement Part(JsonElement p, string name) => p.GetProperty("part").EnumerateArray().First(x => x.GetProperty("name").GetString() == name);

    private static IEnumerable<JsonElement> Parts(JsonElement p, string name) => p.GetProperty("part").EnumerateArray().Where(x => x.GetProperty("name").GetString() == name);

    private static int Int(JsonElement p, string name) => Part(p, name).GetProperty("valueInteger").GetInt32();

    private async Task ScreenshotAsync(IPage page, string name)
    {
        var path = System.IO.Path.Combine(DashboardServer.Artifacts, name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
    }

    [BrowserFact]
    public async Task The_study_page_shows_the_figures_of_endpoints_and_subject_outcomes()
    {
        var responses = new List<(string Url, long Bytes, float Ms)>();
        var page = await SignInAsync(DashboardServer.Researcher, StudyUrl(), responses);
        await WaitForFiguresAsync(page);
        var renderedAt = await page.EvaluateAsync<double>("() => performance.now()");
        var endpoints = await server.GetAsync($"ResearchStudy/{server.StudyId}/$endpoints");
        var all = Arm(endpoints, "all");

        // Arm table, first row (all): enrolled, treated, evaluable, N and ORR's numerator/denominator.
        var cells = await page.Locator("table.arms tbody tr").First.Locator("th, td").AllTextContentsAsync();
        Assert.Equal("all", cells[0]);
        Assert.Equal([Int(all, "enrolled"), Int(all, "treated"), Int(all, "evaluable"), Int(all, "n")], cells.Skip(1).Take(4).Select(int.Parse));
        var orr = Part(all, "orr");
        Assert.StartsWith($"{Int(orr, "numerator")}/{Int(orr, "denominator")}", cells[5], StringComparison.Ordinal);
        Assert.Equal(endpoints.GetProperty("parameter").EnumerateArray().Count(p => p.GetProperty("name").GetString() == "arm"),
            await page.Locator("table.arms tbody tr").CountAsync());

        // KM: the numbers at risk under the PFS and OS axes equal $endpoints' risk table at every month both show.
        foreach (var endpoint in new[] { "pfs", "os" })
        {
            var expected = Parts(Part(all, endpoint), "atRisk").ToDictionary(
                r => Int(r, "month").ToString(CultureInfo.InvariantCulture), r => Int(r, "count").ToString(CultureInfo.InvariantCulture));
            var shown = await page.Locator($"#plot-{endpoint} g.km-risk text").EvaluateAllAsync<string[][]>("ts => ts.map(t => [t.getAttribute('data-month'), t.textContent])");
            var common = shown.Where(s => expected.ContainsKey(s[0])).ToList();
            Assert.True(common.Count >= 3, $"{endpoint}: {common.Count} common months");
            Assert.All(common, s => Assert.Equal(expected[s[0]], s[1]));
        }

        // Waterfall: one bar per evaluable participant with a best % change; swimmer: one lane per treated participant.
        var outcomes = await server.GetAsync($"ResearchStudy/{server.StudyId}/$subject-outcomes");
        var subjects = outcomes.GetProperty("parameter").EnumerateArray().Where(p => p.GetProperty("name").GetString() == "subject").ToList();
        var withChange = subjects.Count(s => Part(s, "evaluable").GetProperty("valueBoolean").GetBoolean() && Parts(s, "bestPercentChange").Any());
        Assert.Equal(withChange, await page.Locator("#plot-waterfall g.wf-bars rect").CountAsync());
        var lanes = await page.Locator("#plot-swimmer path.sw-bars").EvaluateAllAsync<int>("ps => ps.map(p => (p.getAttribute('d').match(/z/g) || []).length).reduce((a, b) => a + b, 0)");
        Assert.Equal(Int(all, "treated"), lanes);

        // Adverse events: the "any" row; data-quality findings: their count.
        var any = Part(Part(all, "safety"), "any");
        var aeRow = await page.Locator("table.ae tbody tr").First.Locator("th, td").AllTextContentsAsync();
        Assert.StartsWith(Int(any, "anyGrade").ToString(CultureInfo.InvariantCulture) + " (", aeRow[1], StringComparison.Ordinal);
        var issues = endpoints.GetProperty("parameter").EnumerateArray().First(p => p.GetProperty("name").GetString() == "issues").GetProperty("resource")
            .GetProperty("issue").EnumerateArray().Count(i => i.GetProperty("severity").GetString() == "warning");
        Assert.Contains($"Data-quality findings ({issues})", await page.Locator("h2").AllTextContentsAsync());

        // Every plot has a text alternative (title and description).
        foreach (var plot in new[] { "pfs", "os", "waterfall", "swimmer" })
        {
            Assert.False(string.IsNullOrWhiteSpace(await page.Locator($"#plot-{plot} > desc").TextContentAsync()));
        }

        await ScreenshotAsync(page, $"study-{server.Patients}.png");
        // The top of the page (arm table, KM plots, waterfall) at a size fit for the docs.
        await page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = System.IO.Path.Combine(DashboardServer.Artifacts, $"study-{server.Patients}-top.png"),
            Clip = new Clip { X = 0, Y = 0, Width = 1400, Height = 2400 },
            FullPage = true,
        });
        var app = responses.Where(r => r.Url.StartsWith(server.Origin, StringComparison.Ordinal)).ToList();
        // The same page again in the same tab (the server warm, the app loaded): the time the app measures from route to figures.
        await page.EvaluateAsync("() => { const m = document.getElementById('main'); delete m.dataset.rendered; history.pushState(null, '', location.href); dispatchEvent(new PopStateEvent('popstate')); }");
        await page.WaitForFunctionAsync("() => !!document.getElementById('main').dataset.rendered");
        var again = await page.EvaluateAsync<string>("() => document.getElementById('main').dataset.rendered");
        var weight = app.Sum(r => r.Bytes);
        var dashboard = app.Where(r => r.Url.Contains("$dashboard", StringComparison.Ordinal)).ToList();
        var line = $"patients={server.Patients} page-weight-bytes={weight} dashboard-json-bytes={dashboard.Sum(r => r.Bytes)} responses={app.Count} "
            + $"first-render-ms={renderedAt:0} dashboard-request-ms={dashboard.Sum(r => r.Ms):0} warm-render-ms={again}";
        output.WriteLine(line);
        await File.AppendAllTextAsync(System.IO.Path.Combine(DashboardServer.Artifacts, "measurements.txt"), line + Environment.NewLine);
        Assert.True(weight < 500_000, line);
    }

    [BrowserFact]
    public async Task Filters_change_the_url_and_the_plots()
    {
        var page = await SignInAsync(DashboardServer.Researcher, StudyUrl());
        await WaitForFiguresAsync(page);
        var before = await page.Locator("#plot-pfs > desc").TextContentAsync();

        await page.SelectOptionAsync("#f-population", "treated");
        await page.WaitForURLAsync("**population=treated**", new() { WaitUntil = WaitUntilState.Commit });
        var treated = Int(Arm(await server.GetAsync($"ResearchStudy/{server.StudyId}/$endpoints?population=treated"), "all"), "n");
        await page.WaitForFunctionAsync("n => document.querySelector('#plot-pfs > desc')?.textContent.includes(n + ' participants')", treated);
        var after = await page.Locator("#plot-pfs > desc").TextContentAsync();
        Assert.NotEqual(before, after);

        var arm = await page.Locator("#f-arm option").Nth(1).GetAttributeAsync("value");
        await page.SelectOptionAsync("#f-arm", arm!);
        await page.WaitForURLAsync($"**arm={Uri.EscapeDataString(arm!)}**", new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForFunctionAsync("a => document.querySelector('#plot-pfs > desc')?.textContent.startsWith(a + ':')", arm);
        Assert.Contains("population=treated", page.Url, StringComparison.Ordinal);
        var filtered = await server.GetAsync($"ResearchStudy/{server.StudyId}/$endpoints?population=treated&arm={Uri.EscapeDataString(arm!)}");
        var rows = await page.Locator("table.arms tbody tr th").AllTextContentsAsync();
        Assert.Equal(filtered.GetProperty("parameter").EnumerateArray().Where(p => p.GetProperty("name").GetString() == "arm")
            .Select(p => Part(p, "name").GetProperty("valueString").GetString()), rows);
        var expected = Arm(filtered, arm!);
        Assert.Contains($"{Int(expected, "n")} participants", await page.Locator("#plot-os > desc").TextContentAsync(), StringComparison.Ordinal);
        await ScreenshotAsync(page, $"study-{server.Patients}-filtered.png");

        // Back goes to the previous filters.
        await page.GoBackAsync();
        await page.WaitForFunctionAsync("a => !document.querySelector('#plot-pfs > desc')?.textContent.startsWith(a + ':') && !!document.querySelector('#plot-swimmer')", arm);
        Assert.DoesNotContain("arm=", page.Url, StringComparison.Ordinal);
    }

    [BrowserFact]
    public async Task The_participant_page_shows_the_timeline_with_links_to_the_resources()
    {
        var page = await SignInAsync(DashboardServer.Researcher, StudyUrl());
        await WaitForFiguresAsync(page);
        await page.ClickAsync("#load-participants");
        var first = page.Locator("table.participants tbody a").First;
        await first.WaitForAsync();
        var subject = (await first.TextContentAsync() ?? "")["ResearchSubject/".Length..];
        await first.ClickAsync();
        await page.WaitForSelectorAsync("table.timeline");
        Assert.Contains("view=participant", page.Url, StringComparison.Ordinal);

        var patient = server.Participants.Single(p => p.Subject == subject).Patient;
        var expected = 0;
        foreach (var type in new[] { "MedicationAdministration", "Observation", "AdverseEvent" })
        {
            expected += (await server.GetAsync($"{type}?subject=Patient/{patient}&_summary=count")).GetProperty("total").GetInt32();
        }
        Assert.Equal(expected, await page.Locator("table.timeline tbody tr").CountAsync());
        await ScreenshotAsync(page, "participant.png");

        await page.Locator("table.timeline tbody a").First.ClickAsync();
        await page.WaitForSelectorAsync("pre.json");
        Assert.Contains("\"resourceType\"", await page.Locator("pre.json").TextContentAsync(), StringComparison.Ordinal);
    }

    [BrowserFact]
    public async Task A_patient_confined_user_sees_its_own_participation_and_nothing_of_the_study_or_other_participants()
    {
        var (own, _) = server.Participants[0];
        var page = await SignInAsync(DashboardServer.PatientUser, StudyUrl());
        await page.WaitForSelectorAsync("#main [role=alert]");
        Assert.Contains("Not visible to your account", await page.Locator("#main [role=alert]").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("svg").CountAsync());
        Assert.Equal(0, await page.Locator("table.arms").CountAsync());
        await ScreenshotAsync(page, "patient-user-study.png");

        async Task OpenAsync(string url)
        {
            await page.EvaluateAsync("u => { history.pushState(null, '', u); dispatchEvent(new PopStateEvent('popstate')); }", url);
        }
        await OpenAsync("/app/?view=participant&id=" + own);
        await page.WaitForSelectorAsync("table.timeline");
        Assert.True(await page.Locator("table.timeline tbody tr").CountAsync() > 0);

        var other = server.Participants.First(p => p.Patient != server.Participants[0].Patient).Subject;
        await OpenAsync("/app/?view=participant&id=" + other);
        await page.WaitForSelectorAsync("#main [role=alert]");
        Assert.Equal(0, await page.Locator("table.timeline").CountAsync());
    }

    [BrowserFact]
    public async Task The_token_stays_in_memory_and_sign_out_drops_it()
    {
        var page = await SignInAsync(DashboardServer.Researcher, "/app/");
        await page.WaitForSelectorAsync("table.studies");
        Assert.Contains(server.StudyId, await page.Locator("table.studies").InnerHTMLAsync(), StringComparison.Ordinal);
        var stored = await page.EvaluateAsync<string>("() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + document.cookie + location.href");
        Assert.DoesNotContain("eyJ", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("code=", page.Url, StringComparison.Ordinal);

        await page.ClickAsync("#signout");
        await page.WaitForSelectorAsync("#main button");
        Assert.Contains("signed out", await page.Locator("#main").TextContentAsync(), StringComparison.Ordinal);
        Assert.True(await page.Locator("#signout").IsHiddenAsync());
        Assert.Equal(0, await page.Locator("table.studies").CountAsync());
    }
}
