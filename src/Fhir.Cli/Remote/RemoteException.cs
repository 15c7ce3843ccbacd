namespace Fhir.Cli.Remote;

/// <summary>The server cannot be used (unreachable, refuses the credentials, answers nonsense): the command stops with its message.</summary>
internal sealed class RemoteException(string message, Exception? inner = null) : Exception(message, inner);
