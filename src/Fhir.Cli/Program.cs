using System.CommandLine;
using Fhir.Cli;
using Fhir.Cli.Commands;

var root = new RootCommand("FHIR R4 server tools.")
{
    FhirPathCommand.Create(),
    TrialGenerateCommand.Create(),
    ValidateCommand.Create(),
};
return CommandLineRunner.Run(root, args);
