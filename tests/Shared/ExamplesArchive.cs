using System.IO.Compression;

namespace Fhir.Testing;

/// <summary>
/// The official R4 example instances (and the few conformance resources that ship beside them) in
/// <c>Data/r4-examples.zip</c>, written by <c>scripts/update-definitions.py</c> and copied next to the test assembly.
/// </summary>
public static class ExamplesArchive
{
    /// <summary>Every file of the archive but its index, in name order, with its JSON.</summary>
    public static IReadOnlyList<(string File, byte[] Json)> ReadAll()
    {
        using var zip = ZipFile.OpenRead(System.IO.Path.Combine(AppContext.BaseDirectory, "Data", "r4-examples.zip"));
        var result = new List<(string, byte[])>();
        foreach (var entry in zip.Entries.OrderBy(e => e.FullName, StringComparer.Ordinal))
        {
            if (entry.FullName == "index.json")
            {
                continue;
            }
            using var stream = entry.Open();
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            result.Add((entry.FullName, memory.ToArray()));
        }
        return result;
    }
}
