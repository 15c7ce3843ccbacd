namespace Fhir.Cli;

/// <summary>The exit codes every verb uses.</summary>
internal static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>The work itself failed (an evaluation error, for instance).</summary>
    public const int Failed = 1;

    /// <summary>The arguments cannot be used (missing, unknown, unreadable files).</summary>
    public const int UnusableArguments = 2;
}
