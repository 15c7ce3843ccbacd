namespace Fhir.Server.Bulk;

/// <summary>
/// Writes one type's NDJSON files of an export as the resources come: a line per resource, a new file every
/// <see cref="ExportOptions.ResourcesPerFile"/> resources, only the current file open. A runner resuming an export opens
/// the file it was writing cut back to its checkpoint, so that nothing is written twice.
/// </summary>
internal sealed class ExportFileWriter : IAsyncDisposable
{
    private static readonly byte[] NewLine = [(byte)'\n'];
    private readonly BulkFiles files;
    private readonly string jobId;
    private readonly string type;
    private readonly int perFile;
    private readonly List<ExportFile> written = [];
    private FileStream? stream;

    /// <summary>Continues <paramref name="type"/> at file <paramref name="part"/>, which held <paramref name="count"/> resources in <paramref name="bytes"/> bytes.</summary>
    public ExportFileWriter(BulkFiles files, string jobId, string type, int perFile, int part, long count, long bytes)
    {
        this.files = files;
        this.jobId = jobId;
        this.type = type;
        this.perFile = perFile;
        Part = part;
        Count = count;
        if (count > 0)
        {
            stream = files.OpenForWrite(jobId, ExportState.FileName(type, part), bytes);
        }
        else
        {
            // A file begun but empty at the checkpoint: start it again.
            files.Find(jobId, ExportState.FileName(type, part))?.Delete();
        }
    }

    /// <summary>The number of the current file.</summary>
    public int Part { get; private set; }

    /// <summary>Resources in the current file.</summary>
    public long Count { get; private set; }

    /// <summary>Bytes in the current file.</summary>
    public long Bytes => stream?.Position ?? 0;

    /// <summary>Files completed since this writer began (the caller adds them to the export's list).</summary>
    public IReadOnlyList<ExportFile> Completed => written;

    /// <summary>Appends one resource as a line; a full file is closed and the next begun with the next resource.</summary>
    public void Append(ReadOnlySpan<byte> json)
    {
        stream ??= files.OpenForWrite(jobId, ExportState.FileName(type, Part), 0);
        stream.Write(json);
        stream.Write(NewLine);
        if (++Count == perFile)
        {
            Close();
        }
    }

    /// <summary>Makes what was written durable (before a checkpoint records it).</summary>
    public void Flush()
    {
        stream?.Flush(flushToDisk: true);
    }

    /// <summary>Closes the current file, if it holds anything, as complete.</summary>
    public void Close()
    {
        if (stream is null)
        {
            return;
        }
        stream.Flush(flushToDisk: true);
        stream.Dispose();
        stream = null;
        if (Count > 0)
        {
            written.Add(new ExportFile(type, ExportState.FileName(type, Part), Count));
            Part++;
            Count = 0;
        }
    }

    /// <summary>Clears the completed files once the caller has recorded them.</summary>
    public void TakeCompleted() => written.Clear();

    public async ValueTask DisposeAsync()
    {
        if (stream is not null)
        {
            await stream.DisposeAsync();
            stream = null;
        }
    }
}
