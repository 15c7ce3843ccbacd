using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;

namespace Fhir.Validation.Tests.Support;

/// <summary>A private temporary folder for one test, deleted afterwards; writes resources and small npm-style packages into it.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fhirconf-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string relative, string content)
    {
        var file = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        File.WriteAllText(file, content);
        return file;
    }

    /// <summary>Writes <c>name-version.tgz</c> with a package.json and the given resources as package/*.json.</summary>
    public string WritePackage(string name, string version, IDictionary<string, string>? dependencies = null, params string[] resources)
    {
        var file = System.IO.Path.Combine(Path, $"{name}-{version}.tgz");
        var manifest = new JsonObject { ["name"] = name, ["version"] = version };
        var deps = new JsonObject();
        foreach (var (k, v) in dependencies ?? new Dictionary<string, string>())
        {
            deps[k] = v;
        }
        manifest["dependencies"] = deps;
        using var stream = File.Create(file);
        using var gzip = new GZipStream(stream, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
        AddEntry(tar, "package/package.json", manifest.ToJsonString());
        for (var i = 0; i < resources.Length; i++)
        {
            AddEntry(tar, $"package/resource-{i}.json", resources[i]);
        }
        return file;
    }

    private static void AddEntry(TarWriter tar, string name, string content)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) };
        tar.WriteEntry(entry);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder is harmless.
        }
    }
}
