using Fhir.Path.Evaluation;

namespace Fhir.Path.Functions;

/// <summary>
/// The body of a function: <paramref name="focus"/> is the scope's <c>$this</c> (what value arguments are evaluated
/// against), <paramref name="input"/> the collection the function is invoked on.
/// </summary>
internal delegate IReadOnlyList<object> FunctionBody(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site);

/// <summary>A function: its name, how many arguments it takes and its body.</summary>
/// <param name="Name">The name.</param>
/// <param name="MinArgs">The fewest arguments.</param>
/// <param name="MaxArgs">The most arguments.</param>
/// <param name="Body">The implementation.</param>
/// <param name="Pure">True when the result depends only on the input and the arguments (so constant calls are folded at compile time).</param>
internal sealed record FunctionDef(string Name, int MinArgs, int MaxArgs, FunctionBody Body, bool Pure = true);
