using System.IO.Pipelines;
using System.Text;
using Fhir.Core.Outcomes;
using Fhir.Server.Outcomes;
using Microsoft.AspNetCore.Connections;

namespace Fhir.Server.Http;

/// <summary>
/// Gives Kestrel's own rejections an OperationOutcome. A request Kestrel cannot parse (a malformed request line, a URL
/// or headers over its limits, headers that do not arrive in time, an unknown HTTP version) never reaches the
/// application: Kestrel answers it with an empty 400, 408, 414, 431 or 505 and closes the connection, and offers no hook
/// to shape that answer. This connection middleware sees what Kestrel writes to the socket and, when a write is such a
/// rejection (an HTTP/1.x error head with <c>Content-Length: 0</c> and <c>Connection: close</c>, which no response of
/// the application is: its errors always carry an OperationOutcome), writes the same head with an OperationOutcome
/// body instead. Everything else passes through untouched. Plain HTTP/1.1 endpoints only: under TLS the bytes are
/// encrypted, and HTTP/2 frames are binary.
/// </summary>
internal static class KestrelRejections
{
    /// <summary>The connection middleware, for <c>ListenOptions.Use</c>.</summary>
    public static ConnectionDelegate Use(ConnectionDelegate next) => async connection =>
    {
        var transport = connection.Transport;
        connection.Transport = new Pipe(transport.Input, new RejectionWriter(transport.Output));
        try
        {
            await next(connection);
        }
        finally
        {
            connection.Transport = transport;
        }
    };

    /// <summary>The head and body that replace a bodiless rejection head, or null when <paramref name="written"/> is not one.</summary>
    internal static byte[]? Replace(ReadOnlySpan<byte> written)
    {
        // "HTTP/1.1 400 Bad Request\r\n" ... "\r\n\r\n", nothing after it.
        if (written.Length < 16 || !written.StartsWith("HTTP/1."u8) || written[8] != (byte)' '
            || written[9] is not ((byte)'4' or (byte)'5') || !written.EndsWith("\r\n\r\n"u8))
        {
            return null;
        }
        var head = Encoding.ASCII.GetString(written[..^2]); // keeps the last header's CRLF
        if (head.IndexOf("\r\n\r\n", StringComparison.Ordinal) >= 0
            || !head.Contains("\r\nContent-Length: 0\r\n", StringComparison.OrdinalIgnoreCase)
            || !head.Contains("\r\nConnection: close\r\n", StringComparison.OrdinalIgnoreCase)
            || head.Contains("\r\nContent-Type:", StringComparison.OrdinalIgnoreCase)
            || !int.TryParse(head.AsSpan(9, 3), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var status))
        {
            return null;
        }
        var body = OperationOutcomes.Serialize([Issue.Error(CodeOf(status), MessageOf(status))]);
        var rewritten = new StringBuilder(head.Length + 256)
            .Append(head.Replace("\r\nContent-Length: 0\r\n", "\r\n", StringComparison.OrdinalIgnoreCase))
            .Append("Content-Type: application/fhir+json; charset=utf-8\r\n")
            .Append("Content-Length: ").Append(body.Length).Append("\r\n")
            .Append("X-Content-Type-Options: nosniff\r\n\r\n");
        return [.. Encoding.ASCII.GetBytes(rewritten.ToString()), .. body];
    }

    /// <summary>The issue type of an error status that has no other source of one.</summary>
    internal static IssueType CodeOf(int status) => status switch
    {
        404 => IssueType.NotFound,
        405 or 505 => IssueType.NotSupported,
        408 or 504 => IssueType.Timeout,
        413 => IssueType.TooCostly,
        414 or 431 => IssueType.TooLong,
        429 => IssueType.Throttled,
        503 => IssueType.Transient,
        >= 500 => IssueType.Exception,
        _ => IssueType.Invalid,
    };

    /// <summary>What an error status means, for a response that says nothing else.</summary>
    internal static string MessageOf(int status) => status switch
    {
        400 => "The request is not valid HTTP/1.1 (its request line, headers or body framing could not be read).",
        408 => "The request did not arrive in time.",
        413 => "The request is larger than this server accepts.",
        414 => "The URL is longer than this server accepts; send the search parameters in the body of POST [type]/_search.",
        431 => "The request headers are larger than this server accepts.",
        505 => "This server speaks HTTP/1.1 and HTTP/2 only.",
        _ => $"The request was refused with status {status}.",
    };

    private sealed class Pipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    // Passes every write through, inspecting each as it is committed (Advance): Kestrel writes a rejection head in one.
    private sealed class RejectionWriter(PipeWriter inner) : PipeWriter
    {
        private Memory<byte> _last;

        public override Memory<byte> GetMemory(int sizeHint = 0) => _last = inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => (_last = inner.GetMemory(sizeHint)).Span;

        public override void Advance(int bytes)
        {
            // Only a short write can be a bodiless head; the check costs nothing for the rest.
            if (bytes is > 16 and < 4096 && _last.Length >= bytes && Replace(_last.Span[..bytes]) is { } replacement)
            {
                // The head is not committed; its replacement is written over it.
                var span = inner.GetSpan(replacement.Length);
                replacement.CopyTo(span);
                inner.Advance(replacement.Length);
                return;
            }
            inner.Advance(bytes);
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;
    }
}
