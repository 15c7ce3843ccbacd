namespace Fhir.Storage.Changes;

/// <summary>
/// The change log: which resources that every server process sharing the database must take into use (conformance
/// resources, SearchParameters) were written, numbered in commit order. A write session records its changes with
/// <see cref="IWriteSession.RecordChangesAsync"/>; each process follows the log from where it last read.
/// </summary>
/// <remarks>
/// The number is taken from a one-row counter that the recording transaction updates and so locks until it commits: a
/// transaction that numbers after another commits after it, so a reader that has seen a number has seen every smaller one
/// (PostgreSQL assigns sequence values at insert, not at commit, which a plain sequence could not promise).
/// </remarks>
public interface IChangeLogStore
{
    /// <summary>The number of the last change committed (0 when none): where a process that has just read the current state starts following.</summary>
    Task<long> LastChangeAsync(CancellationToken ct = default);

    /// <summary>
    /// The changes numbered after <paramref name="afterSeq"/> and at most <paramref name="throughSeq"/>, in order, each with
    /// the resource's current version (not the one written then: a later change is in the log too).
    /// </summary>
    Task<IReadOnlyList<LoggedChange>> ReadChangesAsync(long afterSeq, long throughSeq, CancellationToken ct = default);
}
