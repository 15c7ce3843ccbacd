namespace Fhir.Path.Tests.Suites;

/// <summary>
/// Finds the shared test suites: <c>$FHIR_SUITES</c> when set, else <c>&lt;repo&gt;/../shared/suites</c>. When they are
/// missing, suite tests are skipped with the reason, unless <c>FHIR_REQUIRE_SUITES=1</c> makes their absence a failure.
/// </summary>
internal static class SuiteFiles
{
    private static readonly Lazy<string?> RootDirectory = new(Locate);

    public static string? Root => RootDirectory.Value;

    public static bool Required => Environment.GetEnvironmentVariable("FHIR_REQUIRE_SUITES") == "1";

    /// <summary>The full path of a file or folder under the suites root, or null when it is not there.</summary>
    public static string? Find(string relativePath)
    {
        if (Root is null)
        {
            return null;
        }
        var path = System.IO.Path.Combine(Root, relativePath);
        return File.Exists(path) || Directory.Exists(path) ? path : null;
    }

    /// <summary>
    /// Ends a test whose suite is missing: skipped with the reason (the test must be a <c>[SkippableFact]</c> or
    /// <c>[SkippableTheory]</c>), or failed when suites are required.
    /// </summary>
    public static void SkipMissing(string relativePath)
    {
        var message = $"Suite '{relativePath}' not found (looked in {Root ?? "$FHIR_SUITES or <repo>/../shared/suites"}); set FHIR_SUITES to run it.";
        if (Required)
        {
            Assert.Fail(message + " FHIR_REQUIRE_SUITES=1 makes this a failure.");
        }
        throw new SkipException(message);
    }

    private static string? Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("FHIR_SUITES");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return Directory.Exists(fromEnvironment) ? fromEnvironment : null;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Fhir.sln")))
            {
                var candidate = System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, "..", "shared", "suites"));
                return Directory.Exists(candidate) ? candidate : null;
            }
        }
        return null;
    }
}
