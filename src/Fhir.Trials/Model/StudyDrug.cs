namespace Fhir.Trials.Model;

/// <summary>
/// The drug a study declares (<c>study-drug</c> extension). An administration's medication is this drug when
/// they share a coding (system and code), or, when either has no coding, when their texts are equal ignoring case.
/// </summary>
/// <param name="Codings">The declared codings.</param>
/// <param name="Text">The declared text, or null.</param>
public sealed record StudyDrug(IReadOnlyList<DrugCoding> Codings, string? Text)
{
    /// <summary>Whether a medication with <paramref name="codings"/> and <paramref name="text"/> is this drug.</summary>
    public bool Matches(IReadOnlyList<DrugCoding> codings, string? text)
    {
        ArgumentNullException.ThrowIfNull(codings);
        if (Codings.Count == 0 || codings.Count == 0)
        {
            return Text is not null && text is not null && string.Equals(Text.Trim(), text.Trim(), StringComparison.OrdinalIgnoreCase);
        }
        foreach (var coding in codings)
        {
            foreach (var mine in Codings)
            {
                if (coding == mine)
                {
                    return true;
                }
            }
        }
        return false;
    }
}

/// <summary>One coding of a medication: its system (null when the coding has none) and code.</summary>
/// <param name="System">The code system.</param>
/// <param name="Code">The code.</param>
public readonly record struct DrugCoding(string? System, string Code);
