namespace Fhir.Testing;

/// <summary>
/// Locates the shared test suites written by others (<c>shared/suites</c>, never copied into the repository).
/// The folder is <c>$FHIR_SUITES</c> when that variable is set; otherwise the first <c>shared/suites</c> found walking up
/// from the test assembly's directory, which for a normal checkout is <c>&lt;repo&gt;/../shared/suites</c>.
/// A test that needs a suite asks for it with <see cref="Require"/> and is a <c>[SkippableFact]</c> or
/// <c>[SkippableTheory]</c>: without the suite it is reported as skipped, with the reason, so that the run's counts show
/// it; CI sets <c>FHIR_REQUIRE_SUITES=1</c>, which makes a missing suite a failure instead.
/// </summary>
public static class Suites
{
    /// <summary>Environment variable naming the suites folder.</summary>
    public const string PathVariable = "FHIR_SUITES";

    /// <summary>Environment variable that, when <c>1</c>, turns a missing suite into a failing test.</summary>
    public const string RequireVariable = "FHIR_REQUIRE_SUITES";

    /// <summary>Whether missing suites must fail the run (CI).</summary>
    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    /// <summary>The suites folder, or null when none was found.</summary>
    public static string? Root
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable(PathVariable);
            if (!string.IsNullOrWhiteSpace(configured))
            {
                return Directory.Exists(configured) ? System.IO.Path.GetFullPath(configured) : null;
            }

            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = System.IO.Path.Combine(dir.FullName, "shared", "suites");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }

            return null;
        }
    }

    /// <summary>The full path of a file or folder inside the suites, or null when it is not there.</summary>
    /// <param name="relativePath">A path relative to the suites folder, e.g. <c>patch/json-patch-tests.json</c>.</param>
    public static string? Find(string relativePath)
    {
        var root = Root;
        if (root is null)
        {
            return null;
        }

        var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(root, relativePath));
        return File.Exists(path) || Directory.Exists(path) ? path : null;
    }

    /// <summary>
    /// The full path of a suite file or folder a test needs. When it is missing the test is skipped with the reason
    /// (the caller must be a <c>[SkippableFact]</c> or <c>[SkippableTheory]</c>), or fails when <see cref="Required"/>.
    /// </summary>
    /// <param name="relativePath">A path relative to the suites folder, e.g. <c>patch/json-patch-tests.json</c>.</param>
    public static string Require(string relativePath)
    {
        if (Find(relativePath) is { } path)
        {
            return path;
        }
        var message = NotFoundMessage(relativePath);
        if (Required)
        {
            Assert.Fail($"{message} ({RequireVariable}=1 makes a missing suite a failure)");
        }
        throw new SkipException(message);
    }

    /// <summary>Where <paramref name="relativePath"/> was expected, for "not found" messages.</summary>
    /// <param name="relativePath">A path relative to the suites folder.</param>
    public static string ExpectedLocation(string relativePath)
    {
        var configured = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return System.IO.Path.Combine(configured, relativePath);
        }

        return Root is { } root
            ? System.IO.Path.Combine(root, relativePath)
            : $"shared/suites/{relativePath} in any parent of {AppContext.BaseDirectory}";
    }

    /// <summary>The standard message for a missing suite.</summary>
    /// <param name="relativePath">A path relative to the suites folder.</param>
    public static string NotFoundMessage(string relativePath) =>
        $"suite not found at {ExpectedLocation(relativePath)}, set {PathVariable}";
}
