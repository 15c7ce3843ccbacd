namespace Fhir.Storage.Access;

/// <summary>
/// What one reader may see of the stored data. Every read method of the store takes one (through
/// <see cref="IFhirStore.Reader"/> and the write session's searches), and the store applies it inside the SQL of
/// each statement: reads, version reads, history rows, search matches, the resources that chains and
/// <c>_has</c> traverse, includes and counts. Nothing outside the scope is returned, counted or used to decide a match.
/// </summary>
/// <remarks>
/// Two independent limits: resource types (what may be returned, and what a search may traverse), and the
/// compartment of one patient. The patient limit is evaluated per version, on the compartment membership each
/// version was written with (a delete's tombstone keeps the membership of the version it deleted), so an
/// older version that belonged to someone else stays invisible after the resource moved.
/// </remarks>
public sealed record ReadScope
{
    /// <summary>Every type, every patient: the server's own work (reindexing, jobs) and unrestricted clients.</summary>
    public static ReadScope Everything { get; } = new();

    /// <summary>The types whose resources may be returned (reads, history, includes); null for every type.</summary>
    public IReadOnlySet<string>? ReadTypes { get; init; }

    /// <summary>
    /// The types a search may run on and traverse (its own type, the targets of chains, the sources of <c>_has</c>);
    /// null for every type. A search that reaches any other type is refused with <see cref="ScopeViolationException"/>
    /// before it runs, so that its answer cannot tell what that type holds.
    /// </summary>
    public IReadOnlySet<string>? SearchTypes { get; init; }

    /// <summary>When set, only versions in this patient's compartment are visible (resources of every type).</summary>
    public string? Patient { get; init; }

    /// <summary>With <see cref="Patient"/>: types the patient limit does not apply to (granted without it); null for none.</summary>
    public IReadOnlySet<string>? UnconfinedTypes { get; init; }

    /// <summary>Whether resources of <paramref name="type"/> may be returned at all.</summary>
    public bool MayRead(string type) => ReadTypes is null || ReadTypes.Contains(type);

    /// <summary>Whether a search may run on or traverse <paramref name="type"/>.</summary>
    public bool MaySearch(string type) => SearchTypes is null || SearchTypes.Contains(type);

    /// <summary>Whether resources of <paramref name="type"/> are limited to <see cref="Patient"/>'s compartment.</summary>
    public bool Confines(string type) => Patient is not null && UnconfinedTypes?.Contains(type) != true;

    /// <summary>True when nothing is limited.</summary>
    public bool IsEverything => ReadTypes is null && SearchTypes is null && Patient is null;
}
