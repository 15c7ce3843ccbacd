using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Fhir.Storage;

/// <summary>
/// Tells a database's failures (its drivers report them as exceptions) from the bugs they may also signal, so that the
/// server answers the former with the status they deserve: 507 for a full store, 503 with Retry-After for one that is
/// down or busy. Everything else is not a store failure (null): a bug, answered 500.
/// </summary>
public static class StoreFailures
{
    /// <summary>The store failure <paramref name="exception"/> (or an exception it wraps) reports, or null.</summary>
    public static StoreFailure? Classify(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (Of(e) is { } failure)
            {
                return failure;
            }
            if (e is AggregateException { InnerExceptions.Count: > 0 } aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    if (Classify(inner) is { } found)
                    {
                        return found;
                    }
                }
            }
        }
        return null;
    }

    private static StoreFailure? Of(Exception e) => e switch
    {
        // Primary result codes (the low byte of extended ones): SQLITE_FULL 13; SQLITE_BUSY 5, SQLITE_LOCKED 6,
        // SQLITE_NOMEM 7, SQLITE_READONLY 8 (a read-only file system), SQLITE_IOERR 10, SQLITE_CANTOPEN 14.
        SqliteException sqlite => (sqlite.SqliteErrorCode & 0xFF) switch
        {
            13 => StoreFailure.Full,
            5 or 6 or 7 or 8 or 10 or 14 => StoreFailure.Unavailable,
            _ => null,
        },
        // SQLSTATE: 53100 disk_full; class 53 insufficient resources (memory, too many connections), class 08
        // connection exceptions, 57P01-57P03 shutting down or starting, 57014 a cancelled statement (its timeout),
        // 40P01 deadlock, 55P03 lock not available, 58030 I/O error.
        PostgresException postgres => postgres.SqlState switch
        {
            "53100" => StoreFailure.Full,
            var state when state.StartsWith("53", StringComparison.Ordinal) || state.StartsWith("08", StringComparison.Ordinal)
                || state is "57P01" or "57P02" or "57P03" or "57014" or "40P01" or "55P03" or "58030" => StoreFailure.Unavailable,
            _ => null,
        },
        // Npgsql's own: a connection refused, broken or timed out (a statement of too many parameters is not transient).
        NpgsqlException { IsTransient: true } => StoreFailure.Unavailable,
        SocketException => StoreFailure.Unavailable,
        _ => null,
    };
}
