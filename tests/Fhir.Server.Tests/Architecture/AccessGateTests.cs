using System.Text.RegularExpressions;
using Fhir.Testing;

namespace Fhir.Server.Tests.Architecture;

/// <summary>
/// Keeps the access gate the one way into stored data: in the server, only the gate opens a reader on the store (with
/// the request's scope), and only the server's own background work reads the store past it.
/// </summary>
public partial class AccessGateTests
{
    // Where the server may read past the gate: the gate itself, and jobs and start-up work that serve no client.
    private static readonly string[] Ungated =
    [
        "Security/AccessGate.cs", "Jobs/ReindexJob.cs", "Jobs/PatientCompartmentJob.cs", "Cluster/SharedDefinitions.cs",
    ];

    [Fact]
    public void Only_the_access_gate_reads_the_store_for_a_request()
    {
        var server = System.IO.Path.Combine(Repository.Root, "src", "Fhir.Server");
        var offenders = new List<string>();
        foreach (var file in Directory.GetFiles(server, "*.cs", SearchOption.AllDirectories))
        {
            var relative = System.IO.Path.GetRelativePath(server, file).Replace('\\', '/');
            if (relative.StartsWith("obj/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal) || Ungated.Contains(relative))
            {
                continue;
            }
            var text = File.ReadAllText(file);
            foreach (Match match in StoreReads().Matches(text))
            {
                offenders.Add($"{relative}: {match.Value}");
            }
        }
        Assert.True(offenders.Count == 0, "Reads that bypass the access gate:\n" + string.Join("\n", offenders));
    }

    // A reader opened on the store, the scope that sees everything, or the store's bulk reads.
    [GeneratedRegex(@"\.Reader\(|ReadScope\.Everything|\.ReadCurrentAsync\(|\.ReadVersionsAsync\(|new\s+Fhir\.Storage\.Access\.ReadScope|new\s+ReadScope")]
    private static partial Regex StoreReads();
}
