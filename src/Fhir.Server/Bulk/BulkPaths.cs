namespace Fhir.Server.Bulk;

/// <summary>The URLs of bulk jobs, relative to the FHIR base: a status URL per job, and its files below it.</summary>
internal static class BulkPaths
{
    /// <summary><c>_bulk/[job]</c>: where a client polls, and cancels with DELETE.</summary>
    public static string Status(string jobId) => "_bulk/" + jobId;

    /// <summary><c>_bulk/[job]/[file]</c>: one output or error file.</summary>
    public static string File(string jobId, string name) => "_bulk/" + jobId + "/" + name;
}
