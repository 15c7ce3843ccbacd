using System.Data.Common;

namespace Fhir.Storage.Sql;

/// <summary>
/// A connection lent for one read or one write session. Commands it hands out belong to it
/// (SQLite keeps them prepared per connection), so callers never dispose them.
/// </summary>
internal abstract class DbLease : IAsyncDisposable
{
    protected DbLease(SqlDialect dialect) => Dialect = dialect;

    /// <summary>The dialect of the connection.</summary>
    public SqlDialect Dialect { get; }

    /// <summary>A command for <paramref name="sql"/> with no parameters, enlisted in the lease's transaction if any.</summary>
    public abstract DbCommand Command(string sql);

    /// <summary>Gives the connection back (ends an uncommitted session with a rollback).</summary>
    public abstract ValueTask DisposeAsync();
}
