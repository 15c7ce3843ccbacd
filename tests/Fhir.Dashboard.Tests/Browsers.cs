namespace Fhir.Dashboard.Tests;

/// <summary>The machine's Chromium (Debian's package), which the browser tests drive; Playwright never downloads one here.</summary>
internal static class Browsers
{
    /// <summary>The Chromium executable: <c>FHIR_CHROMIUM</c>, else the first of Debian's paths that exists; null when there is none.</summary>
    public static string? Chromium { get; } = Find();

    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable("FHIR_CHROMIUM") is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : null;
        }
        return new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/lib/chromium/chromium" }.FirstOrDefault(File.Exists);
    }
}

/// <summary>A browser test: skipped, with the reason, when the machine has no Chromium.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (Browsers.Chromium is null)
        {
            Skip = "Chromium is not installed (apt-get install chromium, or set FHIR_CHROMIUM); .ci/run installs it.";
        }
    }
}
