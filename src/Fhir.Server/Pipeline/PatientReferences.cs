using Fhir.Core.Model;

namespace Fhir.Server.Pipeline;

/// <summary>
/// Every Patient a resource refers to, wherever the reference sits (compartment parameters or not, contained
/// resources and extensions included), relative (<c>Patient/1</c>) or absolute (<c>http://any/fhir/Patient/1</c>).
/// Absolute references count whatever their server: a write held to one patient may not name another one anywhere.
/// </summary>
internal static class PatientReferences
{
    public static IReadOnlyCollection<string> In(ElementNode resource)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<ElementNode>();
        stack.Push(resource);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node.Type.Name == "Reference" && node.GetString("reference") is { } reference && PatientId(reference) is { } id)
            {
                found.Add(id);
            }
            foreach (var child in node.Children)
            {
                if (!child.Type.IsPrimitive)
                {
                    stack.Push(child);
                }
            }
        }
        return found;
    }

    // The id of [base/]Patient/id[/_history/v].
    private static string? PatientId(string reference)
    {
        var parts = reference.Split('/');
        var end = parts.Length >= 4 && parts[^2] == "_history" ? parts.Length - 2 : parts.Length;
        return end >= 2 && parts[end - 2] == "Patient" && parts[end - 1].Length > 0 ? parts[end - 1] : null;
    }
}
