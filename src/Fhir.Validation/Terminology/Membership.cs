namespace Fhir.Validation.Terminology;

/// <summary>Whether a code is in a value set, as far as local terminology can tell.</summary>
internal enum Membership
{
    /// <summary>The code is in the value set.</summary>
    Member,
    /// <summary>The code is certainly not in the value set.</summary>
    NotMember,
    /// <summary>The code's system (or part of the value set) is not available locally: it could not be checked.</summary>
    Unknown,
    /// <summary>The value set itself is not known.</summary>
    UnknownValueSet,
}
