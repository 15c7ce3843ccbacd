namespace Fhir.Validation.Terminology;

/// <summary>
/// A value set expanded locally: the codes by system, the bare codes, and the systems it draws on that could not
/// be expanded here (LOINC, SNOMED CT, a filter not supported), whose codes are "unknown" rather than "not a member".
/// </summary>
internal sealed class Expansion
{
    public Dictionary<string, HashSet<string>> BySystem { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Unavailable { get; } = new(StringComparer.Ordinal);

    /// <summary>True when a part of the value set without a system (an unknown imported value set) could not be expanded.</summary>
    public bool Incomplete { get; set; }

    public void Add(string system, string code)
    {
        if (!BySystem.TryGetValue(system, out var codes))
        {
            BySystem[system] = codes = new HashSet<string>(StringComparer.Ordinal);
        }
        codes.Add(code);
    }

    public bool Contains(string system, string code) => BySystem.TryGetValue(system, out var codes) && codes.Contains(code);

    public Membership Check(string? system, string code)
    {
        if (system is not null)
        {
            if (Contains(system, code))
            {
                return Membership.Member;
            }
            return Unavailable.Contains(system) || Incomplete ? Membership.Unknown : Membership.NotMember;
        }
        foreach (var codes in BySystem.Values)
        {
            if (codes.Contains(code))
            {
                return Membership.Member;
            }
        }
        return Unavailable.Count > 0 || Incomplete ? Membership.Unknown : Membership.NotMember;
    }

    public void UnionWith(Expansion other)
    {
        foreach (var (system, codes) in other.BySystem)
        {
            foreach (var code in codes)
            {
                Add(system, code);
            }
        }
        Unavailable.UnionWith(other.Unavailable);
        Incomplete |= other.Incomplete;
    }
}
