namespace Fhir.Server.Bulk;

/// <summary>
/// The files of bulk jobs on disk: one folder per job under a root folder (<see cref="ExportOptions.Path"/>), created
/// readable by the server's user only (0700, files 0600), like the database and the signing key. Names are checked
/// before they touch the file system, so that a URL cannot reach outside a job's folder.
/// </summary>
internal sealed class BulkFiles
{
    public BulkFiles(string root)
    {
        Root = System.IO.Path.GetFullPath(root);
    }

    /// <summary>The root folder.</summary>
    public string Root { get; }

    /// <summary>The folder of job <paramref name="jobId"/>, created (owner-only) when missing.</summary>
    public string FolderOf(string jobId)
    {
        var folder = System.IO.Path.Combine(Root, CheckName(jobId));
        if (!Directory.Exists(folder))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(folder);
            }
            else
            {
                Directory.CreateDirectory(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        return folder;
    }

    /// <summary>
    /// Opens file <paramref name="name"/> of a job for writing from <paramref name="length"/> on: a new file at 0, or one a
    /// stopped runner left, cut back to what its last checkpoint recorded.
    /// </summary>
    public FileStream OpenForWrite(string jobId, string name, long length)
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.Write, Share = FileShare.Read, BufferSize = 1 << 16 };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        var stream = new FileStream(System.IO.Path.Combine(FolderOf(jobId), CheckName(name)), options);
        stream.SetLength(length);
        stream.Position = length;
        return stream;
    }

    /// <summary>The file <paramref name="name"/> of a job, or null when there is none (or the name is not one this server writes).</summary>
    public FileInfo? Find(string jobId, string name)
    {
        if (!IsName(jobId) || !IsName(name))
        {
            return null;
        }
        var file = new FileInfo(System.IO.Path.Combine(Root, jobId, name));
        return file.Exists ? file : null;
    }

    /// <summary>Removes a job's folder and its files; nothing when there is none.</summary>
    public void Delete(string jobId)
    {
        if (!IsName(jobId))
        {
            return;
        }
        var folder = System.IO.Path.Combine(Root, jobId);
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (DirectoryNotFoundException)
        {
            // Removed by another node meanwhile.
        }
    }

    /// <summary>The jobs that have a folder.</summary>
    public IEnumerable<string> JobFolders() =>
        Directory.Exists(Root) ? Directory.EnumerateDirectories(Root).Select(System.IO.Path.GetFileName).OfType<string>().Where(IsName) : [];

    private static string CheckName(string name) =>
        IsName(name) ? name : throw new ArgumentException($"'{name}' is not a bulk file or job name.", nameof(name));

    // Job ids (hex) and file names (Observation.001.ndjson): letters, digits, '.', '-' and '_', never starting with '.'.
    private static bool IsName(string name) =>
        name.Length is > 0 and <= 128 && name[0] != '.' && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');
}
