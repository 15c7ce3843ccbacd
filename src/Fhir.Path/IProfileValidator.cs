using Fhir.Core.Model;

namespace Fhir.Path;

/// <summary>Checks instances against profiles for <c>conformsTo()</c>; the validation layer can supply a complete one.</summary>
public interface IProfileValidator
{
    /// <summary>Whether <paramref name="node"/> conforms to the StructureDefinition at <paramref name="profileUrl"/>.</summary>
    /// <returns>True or false; null when the profile is not known (which makes <c>conformsTo()</c> fail).</returns>
    bool? ConformsTo(ElementNode node, string profileUrl);
}
