using Verge.Orleans.Silo.Hosting;

if (args.Length > 0 && args[0] == ModelFileCommand.Name)
{
    return ModelFileCommand.Run(args);
}

return 0;
