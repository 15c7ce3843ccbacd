namespace Fhir.Storage.Sqlite;

/// <summary>
/// Creates the database's folder (0700) and file (0600) readable by the server's user only, before SQLite opens
/// it: SQLite creates a new file with the process umask (typically world-readable 0644) and gives the
/// <c>-wal</c> and <c>-shm</c> files the mode of the database file, so a file that exists owner-only keeps all
/// three owner-only. Existing folders and files are left as they are: their owner chose their rights.
/// </summary>
internal static class OwnerOnlyFiles
{
    private const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="folder"/> and the empty database <paramref name="file"/> in it when they do not exist.</summary>
    public static void Create(string folder, string file)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            return;
        }
        CreateFolder(folder);
        if (File.Exists(file))
        {
            return;
        }
        try
        {
            // An empty file is a new database to SQLite.
            using var created = new FileStream(file, new FileStreamOptions
            {
                Mode = System.IO.FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = FileMode,
            });
        }
        catch (IOException) when (File.Exists(file))
        {
            // Another process created it first.
        }
    }

    // Directory.CreateDirectory(path, mode) gives the mode to the last folder only: each missing one is created in turn.
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void CreateFolder(string folder)
    {
        if (Directory.Exists(folder))
        {
            return;
        }
        if (System.IO.Path.GetDirectoryName(folder) is { } parent)
        {
            CreateFolder(parent);
        }
        Directory.CreateDirectory(folder, FolderMode);
    }
}
