namespace Fhir.Cli.Import;

/// <summary>What to import and how.</summary>
/// <param name="Files">The input files, in the order to read them.</param>
/// <param name="StatePath">The resume file.</param>
/// <param name="ReportPath">The report of rejected resources.</param>
/// <param name="BatchSize">Resources per batch Bundle.</param>
/// <param name="Parallel">Requests in flight at once.</param>
/// <param name="Restart">Forget what the state file says was imported.</param>
internal sealed record ImportSettings(IReadOnlyList<string> Files, string StatePath, string ReportPath, int BatchSize, int Parallel, bool Restart);

/// <summary>What an import did.</summary>
internal sealed record ImportSummary(long Accepted, long Rejected, long Skipped, TimeSpan Elapsed);
