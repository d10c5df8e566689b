// Chat in Azure: one resource group holding what the services run on (infra/resources.bicep).
// The parameters are the AppHost's (its manifest): azd asks for the connection strings and the
// Cloudinary URL, and generates and keeps the two keys.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('The azd environment name; the resource group is rg-<name>.')
param environmentName string

@minLength(1)
@description('The Azure region for every resource.')
param location string

@description('The user or app given access to the resources (azd passes the signed-in user).')
#disable-next-line no-unused-params
param principalId string = ''

// Used by the service templates (Chat.AppHost/infra/*.tmpl.yaml, securedParameter), not here.
@secure()
@description('MongoDB: a mongodb:// or mongodb+srv:// connection string that names the database (Atlas, or Azure Cosmos DB for MongoDB vCore).')
#disable-next-line no-unused-params
param chatdb string

// Used by the service templates (Chat.AppHost/infra/*.tmpl.yaml, securedParameter), not here.
@secure()
@description('Redis: a StackExchange.Redis connection string (host:port,password=...,ssl=True).')
#disable-next-line no-unused-params
param redis string

// Used by the service templates (Chat.AppHost/infra/*.tmpl.yaml, securedParameter), not here.
@secure()
@description('Cloudinary: cloudinary://api_key:api_secret@cloud_name.')
#disable-next-line no-unused-params
param cloudinary_url string

// Used by the service templates (Chat.AppHost/infra/*.tmpl.yaml, securedParameter), not here.
@metadata({azd: {
  type: 'generate'
  config: {length: 64, noSpecial: true}
  }
})
@secure()
@description('Signs the session cookies; generated once by azd and kept in the environment.')
#disable-next-line no-unused-params
param auth_signing_key string

// Used by the service templates (Chat.AppHost/infra/*.tmpl.yaml, securedParameter), not here.
@metadata({azd: {
  type: 'generate'
  config: {length: 32, noSpecial: true}
  }
})
@secure()
@description('Proves to the API that a request came through the web front; generated once by azd.')
#disable-next-line no-unused-params
param front_key string

// Used by the service templates (Chat.AppHost/infra/*.tmpl.yaml, securedParameter), not here.
@metadata({azd: {
  type: 'generate'
  config: {length: 64, noSpecial: true}
  }
})
@secure()
@description('Web Push: the API derives its VAPID key pair from it; generated once by azd.')
#disable-next-line no-unused-params
param push_vapid_key string

var tags = {
  'azd-env-name': environmentName
}

resource rg 'Microsoft.Resources/resourceGroups@2022-09-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module resources 'resources.bicep' = {
  scope: rg
  name: 'resources'
  params: {
    location: location
    tags: tags
  }
}

// What azd reads back to deploy the services (the templates in Chat.AppHost/infra refer to them).
output MANAGED_IDENTITY_CLIENT_ID string = resources.outputs.MANAGED_IDENTITY_CLIENT_ID
output MANAGED_IDENTITY_NAME string = resources.outputs.MANAGED_IDENTITY_NAME
output AZURE_LOG_ANALYTICS_WORKSPACE_NAME string = resources.outputs.AZURE_LOG_ANALYTICS_WORKSPACE_NAME
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = resources.outputs.AZURE_CONTAINER_REGISTRY_ENDPOINT
output AZURE_CONTAINER_REGISTRY_MANAGED_IDENTITY_ID string = resources.outputs.AZURE_CONTAINER_REGISTRY_MANAGED_IDENTITY_ID
output AZURE_CONTAINER_REGISTRY_NAME string = resources.outputs.AZURE_CONTAINER_REGISTRY_NAME
output AZURE_CONTAINER_APPS_ENVIRONMENT_NAME string = resources.outputs.AZURE_CONTAINER_APPS_ENVIRONMENT_NAME
output AZURE_CONTAINER_APPS_ENVIRONMENT_ID string = resources.outputs.AZURE_CONTAINER_APPS_ENVIRONMENT_ID
output AZURE_CONTAINER_APPS_ENVIRONMENT_DEFAULT_DOMAIN string = resources.outputs.AZURE_CONTAINER_APPS_ENVIRONMENT_DEFAULT_DOMAIN
